/**
 * The model every /classify answer names (`model`), from a model card. The worker reads its own
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

/** The committed model's card (model/model-card.json). */
export const MODEL_CARD = card as Partial<ModelCard>;

/** The committed model's identity. */
export const MODEL_ID: ModelId = modelIdOf(MODEL_CARD);
