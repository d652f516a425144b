/**
 * The testbed bridge's RTP traffic over a bench window, from its live `/colibri/stats` totals (JVB's
 * key names), so that benches show the load their bots put on the bridge beside what the bots cost.
 */
import type { Testbed } from '../packages/testbed/dist/index.js';

export interface BridgeTotals {
  at: number;
  total_bytes_received: number;
  total_bytes_sent: number;
  total_packets_received: number;
  total_packets_sent: number;
  total_keyframes_received: number;
}

/** Rates between two `BridgeTotals`, and the keyframes the bridge received in between. */
export interface BridgeLoad {
  downloadKbps: number;
  uploadKbps: number;
  packetRateDownload: number;
  packetRateUpload: number;
  keyframesReceived: number;
}

/** The first bridge's totals now. */
export async function bridgeTotals(testbed: Testbed): Promise<BridgeTotals> {
  const bridge = testbed.bridges[0];
  if (bridge === undefined) throw new Error('the testbed has no bridge');
  const response = await fetch(`${bridge.restUrl}/colibri/stats`);
  return { ...((await response.json()) as Omit<BridgeTotals, 'at'>), at: performance.now() };
}

export function bridgeLoad(before: BridgeTotals, after: BridgeTotals): BridgeLoad {
  const seconds = (after.at - before.at) / 1000;
  const rate = (key: keyof Omit<BridgeTotals, 'at'>): number => (after[key] - before[key]) / seconds;
  return {
    downloadKbps: (rate('total_bytes_received') * 8) / 1000,
    uploadKbps: (rate('total_bytes_sent') * 8) / 1000,
    packetRateDownload: rate('total_packets_received'),
    packetRateUpload: rate('total_packets_sent'),
    keyframesReceived: after.total_keyframes_received - before.total_keyframes_received,
  };
}
