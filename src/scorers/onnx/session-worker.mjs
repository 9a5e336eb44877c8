// Entry point of an onnxruntime worker thread. Worker threads do not inherit the tsx loader the
// main thread runs under, so it is registered here before the TypeScript worker is loaded.
import { register } from 'tsx/esm/api';

register();
await import('./session-worker.ts');
