import { describe, expect, it } from 'vitest';
import { DEFAULT_LOAD_THRESHOLD_PPS, loadManagementState, packetRateStress } from './stress.js';

describe('packetRateStress', () => {
  it.each([
    [{ endpointIn: 0, endpointOut: 0, relayIn: 0, relayOut: 0 }, DEFAULT_LOAD_THRESHOLD_PPS, 0],
    [{ endpointIn: 20_000, endpointOut: 20_000, relayIn: 0, relayOut: 0 }, DEFAULT_LOAD_THRESHOLD_PPS, 0.8],
    [{ endpointIn: 10_000, endpointOut: 20_000, relayIn: 10_000, relayOut: 10_000 }, DEFAULT_LOAD_THRESHOLD_PPS, 1],
    [{ endpointIn: 100, endpointOut: 200, relayIn: 50, relayOut: 50 }, 200, 2],
  ])('%j / %d = %d', (rates, threshold, expected) => {
    expect(packetRateStress(rates, threshold)).toBeCloseTo(expected, 10);
  });

  it('rejects a non-positive threshold', () => {
    expect(() => packetRateStress({ endpointIn: 1, endpointOut: 0, relayIn: 0, relayOut: 0 }, 0)).toThrow(RangeError);
  });

  it.each([
    [0, 'NOT_OVERLOADED'],
    [0.99, 'NOT_OVERLOADED'],
    [1, 'OVERLOADED'],
    [1.7, 'OVERLOADED'],
  ] as const)('state at stress %d is %s', (stress, state) => {
    expect(loadManagementState(stress)).toBe(state);
  });
});
