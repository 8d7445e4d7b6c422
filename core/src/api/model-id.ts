/**
 * The model every /classify answer names (`model`), from the committed model card. The worker, the
 * site's on-device mode and the emotion-edge package answer with the same one.
 */

import card from '../../../model/model-card.json';
import type { ModelCard } from '../artifacts.ts';
import { CLASSES, INPUT_SIZE } from '../classes.ts';
import type { ModelId } from './response.ts';

/** The committed card may be older or partial: every field is optional here. */
export const MODEL_CARD = card as Partial<ModelCard>;

/** The short identity every /classify answer carries. */
export const MODEL_ID: ModelId = {
  name: MODEL_CARD.name ?? 'ScratchCNN',
  version: MODEL_CARD.version ?? 'unversioned',
  input_size: INPUT_SIZE,
};

if (MODEL_CARD.classes && JSON.stringify(MODEL_CARD.classes) !== JSON.stringify(CLASSES)) {
  // The card and the code disagree on the output order: refuse to serve wrong labels.
  throw new Error(`model-card.json classes ${MODEL_CARD.classes.join(',')} differ from the contract ${CLASSES.join(',')}`);
}
