import { parseThreshold } from '../thresholds/parse.js';
import type { ThresholdDefinition } from '../thresholds/types.js';
import type { BaseScenario } from './base-schema.js';

/** The scenario's thresholds as definitions, in file order. The loader has already checked them. */
export function scenarioThresholds(scenario: Pick<BaseScenario, 'thresholds'>): ThresholdDefinition[] {
  return Object.entries(scenario.thresholds).flatMap(([key, entries]) => entries.map((entry) => parseThreshold(key, entry)));
}
