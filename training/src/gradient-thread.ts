/** A gradient thread (node:worker_threads): a private tfjs backend computing gradients for its share of each batch. */
import { parentPort, workerData } from 'node:worker_threads';
import { type BackendChoice, selectBackend } from './backend.ts';
import type { Dataset } from './data.ts';
import { runEval, runStep, weightViews } from './shard.ts';

const { backend, data, weightsBuffer } = workerData as {
  backend: BackendChoice;
  data: { train: Dataset; val: Dataset };
  weightsBuffer: SharedArrayBuffer;
};
const weights = weightViews(weightsBuffer);
const ready = selectBackend(backend);

parentPort!.on('message', async (msg) => {
  try {
    await ready;
    if (msg.type === 'ready') return parentPort!.postMessage({ result: true });
    if (msg.type === 'step') {
      const r = runStep(data.train, weights, msg.req);
      const transfer = Object.values(r.grads).map((g) => g.buffer) as ArrayBuffer[];
      return parentPort!.postMessage({ result: r }, transfer);
    }
    if (msg.type === 'eval') {
      const split = msg.split as 'train' | 'val';
      const logits = runEval(data[split], weights, msg.start, msg.end, msg.steps);
      return parentPort!.postMessage({ result: logits }, [logits.buffer as ArrayBuffer]);
    }
    throw new Error(`unknown message ${msg.type}`);
  } catch (err) {
    parentPort!.postMessage({ error: (err as Error).stack ?? String(err) });
  }
});
