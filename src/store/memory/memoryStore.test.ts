import { runStoreSuite } from '../storeSuite.js';
import { openMemoryStore } from './memoryStore.js';

runStoreSuite('memory', async () => openMemoryStore());
