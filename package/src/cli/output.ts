/**
 * The command line's output: jsonl (one line per image: `{"file", ...the /classify answer}` or
 * `{"file", "error": {"code", "message"}}`; per video, one line per frame and track, then one
 * with its segments and summaries), csv (one row per face; videos: core's timeline CSV with the
 * file first) or json (one array of the same objects). Written as it comes, with backpressure.
 */
import type { ClassifyResponse } from '@emotion/core/api';
import { CLASSES } from '@emotion/core/classes';
import { CSV_COLUMNS, type ExpressionTimeline, timelineCsv, timelineJson } from '@emotion/core/timeline';
import type { Format } from './args.ts';
import type { FailureInfo } from './protocol.ts';

/** One row per face of an image: its file, the face's place among them, label, scores, box; or the error. */
export const IMAGE_CSV_COLUMNS: readonly string[] = [
  'file',
  'face',
  'emotion',
  'confidence',
  'uncertain',
  ...CLASSES,
  'x',
  'y',
  'w',
  'h',
  'detection_score',
  'source',
  'error_code',
  'error_message',
];

export const VIDEO_CSV_COLUMNS: readonly string[] = ['file', ...CSV_COLUMNS];

/** A CSV field: quoted when it holds a comma, quote or line break. */
export function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const csvLine = (fields: readonly unknown[]) => `${fields.map(csvField).join(',')}\n`;

export interface Sink {
  write(chunk: string): boolean;
  once(event: 'drain', f: () => void): unknown;
}

export class OutputWriter {
  private items = 0;
  private csvHeader: 'image' | 'video' | null = null;

  constructor(
    private readonly format: Format,
    private readonly sink: Sink,
  ) {}

  private async put(text: string): Promise<void> {
    if (!this.sink.write(text)) await new Promise<void>((r) => this.sink.once('drain', r));
  }

  /** One JSON value: a line (jsonl) or an array element (json). */
  private async json(value: unknown): Promise<void> {
    const text = JSON.stringify(value);
    if (this.format === 'jsonl') return this.put(`${text}\n`);
    await this.put(`${this.items++ === 0 ? '[\n' : ',\n'}${text}`);
  }

  private async header(kind: 'image' | 'video'): Promise<void> {
    if (this.csvHeader === kind) return;
    if (this.csvHeader)
      throw new Error(
        'CSV output takes images or videos in one run, not both (their columns differ): use --format jsonl or json, or two runs.',
      );
    this.csvHeader = kind;
    await this.put(csvLine(kind === 'image' ? IMAGE_CSV_COLUMNS : VIDEO_CSV_COLUMNS));
  }

  async image(file: string, result: { answer: ClassifyResponse } | { error: FailureInfo }): Promise<void> {
    if (this.format !== 'csv') return this.json('answer' in result ? { file, ...result.answer } : { file, error: result.error });
    await this.header('image');
    if ('error' in result)
      return this.put(
        csvLine([file, '', '', '', '', ...CLASSES.map(() => ''), '', '', '', '', '', '', result.error.code, result.error.message]),
      );
    const { answer } = result;
    if (!answer.faces.length)
      return this.put(csvLine([file, '', '', '', '', ...CLASSES.map(() => ''), '', '', '', '', '', answer.source, '', '']));
    for (const [i, f] of answer.faces.entries()) {
      const { x, y, w, h } = f.box;
      await this.put(
        csvLine([
          file,
          i,
          f.emotion,
          f.confidence,
          f.uncertain,
          ...CLASSES.map((c) => f.scores[c]),
          x,
          y,
          w,
          h,
          f.detection_score ?? '',
          answer.source,
          '',
          '',
        ]),
      );
    }
  }

  /** A video's timeline: its rows, then (jsonl) a line with the segments and summaries, or (json) all of it in one object. */
  async video(file: string, timeline: ExpressionTimeline, settings: Record<string, unknown>): Promise<void> {
    if (this.format === 'csv') {
      await this.header('video');
      const lines = timelineCsv(timeline.rows).split('\n').slice(1, -1);
      for (const line of lines) await this.put(`${csvField(file)},${line}\n`);
      return;
    }
    const { rows, ...rest } = timelineJson(timeline, settings);
    if (this.format === 'json') return this.json({ file, ...rest, rows });
    for (const row of rows) await this.json({ file, ...row });
    await this.json({ file, ...rest });
  }

  async videoError(file: string, error: FailureInfo): Promise<void> {
    if (this.format !== 'csv') return this.json({ file, error });
    await this.header(this.csvHeader ?? 'video');
    const width = (this.csvHeader === 'image' ? IMAGE_CSV_COLUMNS : VIDEO_CSV_COLUMNS).length;
    // The error goes in the first column after the file: CSV readers keep the row's width.
    await this.put(csvLine([file, `error ${error.code}: ${error.message}`, ...Array(width - 2).fill('')]));
  }

  async end(): Promise<void> {
    if (this.format === 'json') await this.put(this.items ? '\n]\n' : '[]\n');
  }
}
