/**
 * The model every /classify answer names (`model`), and its `uncertain` threshold, from a model card. The worker reads its own
 * bundled card (so `npm start -- --model` names the export it serves); the site's on-device mode
 * and the emotion-edge package ship the committed model and name it from the committed card.
 */

import card from '../../../model/model-card.json';
import type { ModelCard } from '../artifacts.ts';
import { CLASSES, INPUT_SIZE } from '../classes.ts';
import type { ModelId } from './response.ts';

/**
 * The short identity of the model a card describes. Cards may be older or partial: every field is
 * optional. Throws when the card's class order differs from the contract: refuse to serve wrong labels.
 */
export function modelIdOf(c: Partial<ModelCard>): ModelId {
  if (c.classes && JSON.stringify(c.classes) !== JSON.stringify(CLASSES)) {
    throw new Error(`model-card.json classes ${c.classes.join(',')} differ from the contract ${CLASSES.join(',')}`);
  }
  return { name: c.name ?? 'ScratchCNN', version: c.version ?? 'unversioned', input_size: INPUT_SIZE };
}

/**
 * Cards exported before the threshold was measured: 0.55, what the model of 2026-12-02 was given
 * by hand then (its card now holds the measured 0.5).
 */
export const LEGACY_UNCERTAIN_BELOW = 0.55;

/**
 * A classification whose top probability is under this is answered `uncertain: true` (the site
 * says "not sure"; the scores are still returned): the threshold the export measured for this
 * model (training's abstention.ts: the lowest at which the answers kept are at least 80% right on
 * its validation set with flip TTA, as the API answers).
 */
export function uncertainBelowOf(c: Partial<ModelCard>): number {
  const t = c.validation?.abstention?.threshold;
  return typeof t === 'number' && t > 0 && t < 1 ? t : LEGACY_UNCERTAIN_BELOW;
}

/** The committed model's card (model/model-card.json). */
export const MODEL_CARD = card as Partial<ModelCard>;

/** The committed model's identity. */
export const MODEL_ID: ModelId = modelIdOf(MODEL_CARD);

/** The committed model's `uncertain` threshold (the worker uses its own bundled card's). */
export const UNCERTAIN_BELOW = uncertainBelowOf(MODEL_CARD);
