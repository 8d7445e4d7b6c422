/**
 * An analysis thread of the command line: one analyzer (both models on onnxruntime-node, one
 * thread each), one image at a time. It reads the file itself, so the main thread holds no image bytes.
 */
import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { createAnalyzer } from '../node-analyzer.ts';
import { failureOf, type JobReply, type JobRequest } from './protocol.ts';

const analyzer = createAnalyzer();
const port = parentPort;
if (!port) throw new Error('cli-job runs as a worker thread of the emotion-edge command.');

port.on('message', async (req: JobRequest) => {
  let reply: JobReply;
  try {
    const image = req.kind === 'file' ? await readFile(req.path) : { data: req.data, width: req.width, height: req.height };
    reply = { id: req.id, ok: true, answer: await analyzer.analyze(image, req.options) };
  } catch (err) {
    reply = { id: req.id, ok: false, error: failureOf(err) };
  }
  port.postMessage(reply);
});
