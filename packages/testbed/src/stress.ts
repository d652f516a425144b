/**
 * JVB's stress level with the packet-rate load measurement (`JvbLoadManager`):
 * stress = (endpoint packets in + out + relay packets in + out per second) / load threshold.
 * JVB's `packet-rate` measurement defaults to a threshold of 50 000 pps; the testbed makes it
 * configurable so tests can drive a bridge into overload with little traffic.
 */
export const DEFAULT_LOAD_THRESHOLD_PPS = 50_000;

export interface PacketRates {
  endpointIn: number;
  endpointOut: number;
  relayIn: number;
  relayOut: number;
}

export function packetRateStress(rates: PacketRates, loadThresholdPps: number): number {
  if (!(loadThresholdPps > 0)) throw new RangeError(`load threshold must be > 0 pps (got ${loadThresholdPps})`);
  return (rates.endpointIn + rates.endpointOut + rates.relayIn + rates.relayOut) / loadThresholdPps;
}

/** JVB's load-management state: OVERLOADED once the measurement reaches the threshold. */
export function loadManagementState(stress: number): 'OVERLOADED' | 'NOT_OVERLOADED' {
  return stress >= 1 ? 'OVERLOADED' : 'NOT_OVERLOADED';
}
