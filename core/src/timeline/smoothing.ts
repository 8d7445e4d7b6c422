/**
 * Smoothing of one track's class probabilities over time: an exponential moving average with a time
 * constant in seconds, and hysteresis on the label shown.
 *
 * The average's weight for a new frame is alpha = 1 - exp(-dt / tau), dt the seconds since the
 * track's last frame: the exact response of a first-order low-pass filter to a signal held between
 * samples. It therefore depends on time, not on the number of frames: the same expression seen at 5
 * or at 30 frames a second gives the same smoothed value at the same moment, and after a long miss
 * the new frame counts almost fully. An average of probability rows is one: it still sums to 1.
 *
 * Hysteresis: the label changes only when another class's smoothed probability beats the current
 * label's by `switchMargin`, so two near-equal classes do not make it flip frame after frame.
 */
import { CLASSES, type Emotion, NUM_CLASSES } from '../classes.ts';
import { argmax } from '../maths.ts';

export interface SmoothingOptions {
  /** Time constant of the moving average, seconds (0: no smoothing). */
  tauSeconds: number;
  /** The label switches when the new top class's smoothed probability exceeds the current label's by more than this. */
  switchMargin: number;
}

/**
 * tau 0.3 s: a clear change of expression (one confident class giving way to another) moves the
 * label after about 0.25 s (0.81 tau with the margin below), while a one-frame misreading at 5-30 fps
 * is damped to well under half its size. A margin of 0.1 keeps near ties from flipping the label.
 */
export const DEFAULT_SMOOTHING_OPTIONS: SmoothingOptions = { tauSeconds: 0.3, switchMargin: 0.1 };

/** One track's smoothed probabilities (CLASSES order) and label. */
export class ScoreSmoother {
  readonly options: SmoothingOptions;
  private readonly smoothed = new Float64Array(NUM_CLASSES);
  private label = -1;
  private lastTime = Number.NaN;

  constructor(options: Partial<SmoothingOptions> = {}) {
    this.options = { ...DEFAULT_SMOOTHING_OPTIONS, ...options };
  }

  /** Adds the probabilities (CLASSES order) seen at `time` seconds; returns the smoothed ones (a copy). */
  push(time: number, probabilities: ArrayLike<number>): Float64Array {
    if (probabilities.length !== NUM_CLASSES)
      throw new RangeError(`ScoreSmoother: ${probabilities.length} probabilities, not ${NUM_CLASSES}`);
    if (Number.isNaN(this.lastTime)) this.smoothed.set(probabilities);
    else {
      const dt = time - this.lastTime;
      if (dt < 0) throw new RangeError(`ScoreSmoother: time ${time} is before the last frame's (${this.lastTime})`);
      const { tauSeconds } = this.options;
      const alpha = tauSeconds > 0 ? 1 - Math.exp(-dt / tauSeconds) : 1;
      for (let k = 0; k < NUM_CLASSES; k++) this.smoothed[k] += alpha * (probabilities[k] - this.smoothed[k]);
    }
    this.lastTime = time;
    const top = argmax(this.smoothed);
    if (this.label < 0 || this.smoothed[top] - this.smoothed[this.label] > this.options.switchMargin) this.label = top;
    return Float64Array.from(this.smoothed);
  }

  /** The label's class index (CLASSES order); -1 before the first frame. */
  get labelIndex(): number {
    return this.label;
  }

  /** The label shown; undefined before the first frame. */
  get emotion(): Emotion | undefined {
    return this.label < 0 ? undefined : CLASSES[this.label];
  }
}
