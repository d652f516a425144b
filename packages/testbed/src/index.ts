export { startTestbed, MAX_BRIDGES, type Testbed, type TestbedOptions, type TestbedBridgeInfo } from './testbed.js';
export {
  selectBridge,
  correctedStress,
  BRIDGE_SELECTION_STRATEGIES,
  DEFAULT_STRESS_THRESHOLD,
  type BridgeSelectionStrategy,
  type BridgeCandidate,
} from './bridge-selection.js';
export { packetRateStress, DEFAULT_LOAD_THRESHOLD_PPS } from './stress.js';
export { encodeRelayPacket, decodeRelayPacket, RELAY_HEADER_BYTES, type RelayHeader, type RelayPacket } from './relay-header.js';
export { sanitizeRoomName } from './room-name.js';
export { SIGNALLING_PATH } from './signalling-server.js';
export { MAX_SIGNALLING_MESSAGE_BYTES, type ClientMessage, type ServerMessage } from './signalling-messages.js';
