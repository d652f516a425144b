import { z } from 'zod';
import { parsePayload } from './payload.js';

/*
 * Jicofo `GET /stats` (REST port 8888 when `JICOFO_ENABLE_REST`). Shape of the sample the systemli
 * exporter tests use; every key optional, unknown keys kept.
 */

const num = z.number().optional();

export const JicofoBridgeSelectorStatsSchema = z.looseObject({
  bridge_count: num,
  operational_bridge_count: num,
  in_shutdown_bridge_count: num,
  lost_bridges: num,
  bridge_version_count: num,
  total_least_loaded_in_region: num,
  total_split_due_to_load: num,
  total_not_loaded_in_region_in_conference: num,
  total_least_loaded_in_region_in_conference: num,
  total_not_loaded_in_region: num,
  total_split_due_to_region: num,
  total_least_loaded_in_conference: num,
  total_least_loaded: num,
});

export const JicofoStatsSchema = z.looseObject({
  conferences: num,
  participants: num,
  largest_conference: num,
  p2p_conferences: num,
  endpoints_sending_video: num,
  /** Index i = number of conferences with i participants (last bucket: that many or more). */
  conference_sizes: z.array(z.number()).optional(),
  total_participants: num,
  total_conferences_created: num,
  total_conferences_completed: num,
  total_sip_call_failures: num,
  total_recording_failures: num,
  total_live_streaming_failures: num,
  bridge_selector: JicofoBridgeSelectorStatsSchema.optional(),
});

export type JicofoStats = z.output<typeof JicofoStatsSchema>;

export function parseJicofoStats(value: unknown, source = 'Jicofo /stats'): JicofoStats {
  return parsePayload(JicofoStatsSchema, value, source);
}
