// Container lifecycle hooks (postStart, preStop) as the kubelet runs them.
export { lifecycleUserAgent, runLifecycleHandler, type HandlerOptions, type HookTarget } from './handlers.js';
export { defaultHookEnv, lifecycleHandler, runPostStartHook, runPreStopHook, type HookEnv, type HookKind } from './hooks.js';
