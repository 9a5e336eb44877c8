// Entry point of a floor worker thread: registers tsx (worker threads do not inherit it), then
// loads the TypeScript worker. The GPU-machine bundle replaces this file with the bundled worker.
import { register } from 'tsx/esm/api';

register();
await import('./onnx-floor-worker.ts');
