// Gradient threads (worker_threads) do not inherit tsx's loader; register it, then load the TypeScript thread.
import { register } from 'tsx/esm/api';

register();
await import('./gradient-thread.ts');
