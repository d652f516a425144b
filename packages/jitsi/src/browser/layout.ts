/*
 * What Jitsi Meet's web client shows and therefore asks the bridge for: tile view or stage view with a
 * vertical filmstrip, the tile and thumbnail sizes, which remote tiles are visible, and the
 * `ReceiverVideoConstraints` message built from them. Read from jitsi-meet @1c8216eb unless noted:
 * - `video-layout/functions.any.ts`: `shouldDisplayTileView` (tile view from 3 participants unless
 *   disabled or someone is pinned) and `getVideoQualityForHeight` (large video: the smallest level at
 *   least as tall as its container);
 * - `video-layout/functions.web.ts`: `getMaxColumnCount`;
 * - `filmstrip/functions.web.ts` @031b9742: `calculateResponsiveTileViewDimensions`,
 *   `calculateThumbnailSizeForTileView`, `calculateThumbnailSizeForVerticalView`;
 * - `filmstrip/actions.web.ts`: `setTileViewDimensions`, `setVerticalViewDimensions` (grid height);
 * - `filmstrip/components/web/Filmstrip.tsx`: the local tile comes first in tile view, and the rows
 *   react-window reports visible (partly visible ones included) decide `visibleRemoteParticipants`;
 * - `filmstrip/constants.ts`: margins, minimum tile heights, aspect ratios, 120 px filmstrip width;
 * - `video-quality/functions.ts` + `constants.ts`: `getReceiverVideoQualityLevel` with the default
 *   thresholds 180/360/720/2160 (the lowest level is 180);
 * - `video-quality/subscriber.ts`: `_updateReceiverVideoConstraints` (default maxHeight 0, visible
 *   tiles at the tile level, capped at 360 above `maxFullResolutionParticipants` (2) visible remotes;
 *   stage view: filmstrip thumbnails at their level, the large video at its own, on stage);
 * - `large-video/actions.any.ts`: with nobody pinned and no dominant speaker, the stage shows the
 *   remote participant whose video arrived last;
 * - `base/participants` reducer: remote participants sorted by display name in the filmstrip;
 * - `base/lastn/middleware.ts`: `startLastN ?? channelLastN ?? -1`;
 * - `interface_config.js`: `TILE_VIEW_MAX_COLUMNS` 5, `VERTICAL_FILMSTRIP` true.
 *
 * This module imports nothing, so the testbed's meeting page loads its compiled form as it is.
 */

/** `VIDEO_QUALITY_LEVELS` of jitsi-meet's video-quality feature (receive side). */
export const RECEIVE_QUALITY_LEVELS = { ULTRA: 2160, HIGH: 720, STANDARD: 360, LOW: 180, NONE: 0 } as const;

export const TILE_ASPECT_RATIO = 16 / 9;
export const TILE_PORTRAIT_ASPECT_RATIO = 1 / 1.3;
export const ASPECT_RATIO_BREAKPOINT = 500;
export const TILE_MIN_HEIGHT_SMALL = 150;
export const TILE_MIN_HEIGHT_LARGE = 200;
export const TILE_VERTICAL_MARGIN = 4;
export const TILE_HORIZONTAL_MARGIN = 4;
export const TILE_VIEW_GRID_VERTICAL_MARGIN = 14;
export const TILE_VIEW_GRID_HORIZONTAL_MARGIN = 14;
export const TILE_VIEW_DEFAULT_NUMBER_OF_VISIBLE_TILES = 25;
export const DEFAULT_MAX_COLUMNS = 5;
export const DEFAULT_FILMSTRIP_WIDTH = 120;
export const DEFAULT_LOCAL_TILE_ASPECT_RATIO = 16 / 9;
export const VERTICAL_FILMSTRIP_VERTICAL_MARGIN = 26;
/** `VERTICAL_FILMSTRIP_MIN_HORIZONTAL_MARGIN + SCROLL_SIZE + TILE_HORIZONTAL_MARGIN + STAGE_VIEW_THUMBNAIL_HORIZONTAL_BORDER`. */
export const VERTICAL_VIEW_HORIZONTAL_MARGIN = 10 + 7 + 4 + 4;
/** `maxFullResolutionParticipants` default: more visible remotes than this cap tiles at 360. */
export const DEFAULT_MAX_FULL_RESOLUTION_PARTICIPANTS = 2;

/** `getReceiverVideoQualityLevel` with the default `minHeightForQualityLvl` map: the highest level whose threshold the height reaches. */
export function receiverQualityLevel(availableHeight: number): number {
  let selected: number = RECEIVE_QUALITY_LEVELS.LOW;
  for (const level of [RECEIVE_QUALITY_LEVELS.LOW, RECEIVE_QUALITY_LEVELS.STANDARD, RECEIVE_QUALITY_LEVELS.HIGH, RECEIVE_QUALITY_LEVELS.ULTRA]) {
    if (availableHeight >= level) selected = level;
  }
  return selected;
}

/** `getVideoQualityForHeight` (large video): the smallest level at least `height`; 180 for no height. */
export function largeVideoQuality(height: number): number {
  if (!height) return RECEIVE_QUALITY_LEVELS.LOW;
  for (const level of [RECEIVE_QUALITY_LEVELS.LOW, RECEIVE_QUALITY_LEVELS.STANDARD, RECEIVE_QUALITY_LEVELS.HIGH, RECEIVE_QUALITY_LEVELS.ULTRA]) {
    if (height <= level) return level;
  }
  return RECEIVE_QUALITY_LEVELS.ULTRA;
}

function thumbnailMinHeight(clientWidth: number): number {
  return clientWidth < ASPECT_RATIO_BREAKPOINT ? TILE_MIN_HEIGHT_SMALL : TILE_MIN_HEIGHT_LARGE;
}

/** `getMaxColumnCount` with responsive tiles: `TILE_VIEW_MAX_COLUMNS` when set (> 0), else what fits at the minimum tile size. */
export function maxColumnCount(clientWidth: number, configuredMaxColumns: number | undefined): number {
  if (configuredMaxColumns !== undefined && configuredMaxColumns > 0) return Math.max(configuredMaxColumns, 1);
  return Math.floor(clientWidth / (TILE_PORTRAIT_ASPECT_RATIO * thumbnailMinHeight(clientWidth)));
}

interface ThumbnailSize {
  height: number;
  width: number;
  minHeightEnforced: boolean;
  maxVisibleRows: number;
}

/** `calculateThumbnailSizeForTileView` with responsive tiles and tile enlargement on; undefined when the columns do not fit. */
function thumbnailSizeForTileView(columns: number, minVisibleRows: number, clientWidth: number, clientHeight: number): ThumbnailSize | undefined {
  const minHeight = thumbnailMinHeight(clientWidth);
  const viewWidth = clientWidth - columns * TILE_HORIZONTAL_MARGIN - TILE_VIEW_GRID_HORIZONTAL_MARGIN;
  const availableHeight = clientHeight - TILE_VIEW_GRID_VERTICAL_MARGIN;
  const viewHeight = availableHeight - minVisibleRows * TILE_VERTICAL_MARGIN;
  const initialWidth = viewWidth / columns;
  let initialHeight = viewHeight / minVisibleRows;
  let minHeightEnforced = false;
  if (initialHeight < minHeight) {
    minHeightEnforced = true;
    initialHeight = minHeight;
  }
  const initialRatio = initialWidth / initialHeight;
  let height = initialHeight;
  let width: number;
  if (initialRatio > TILE_ASPECT_RATIO) {
    width = initialHeight * TILE_ASPECT_RATIO;
  } else if (initialRatio >= TILE_PORTRAIT_ASPECT_RATIO) {
    width = initialWidth;
  } else if (!minHeightEnforced) {
    height = initialWidth / TILE_PORTRAIT_ASPECT_RATIO;
    if (height < minHeight) return undefined;
    width = initialWidth;
  } else {
    return undefined;
  }
  return { height, width, minHeightEnforced, maxVisibleRows: Math.floor(availableHeight / (height + TILE_VERTICAL_MARGIN)) };
}

export interface TileViewDimensions {
  height: number;
  width: number;
  columns: number;
  rows: number;
  /** Tiles (the local one included) in the rows the grid shows without scrolling, partly shown rows included. */
  visibleTiles: number;
}

/** `calculateResponsiveTileViewDimensions` and the grid height of `setTileViewDimensions`. */
export function tileViewDimensions(options: {
  clientWidth: number;
  clientHeight: number;
  participants: number;
  maxColumns: number;
  numberOfVisibleTiles?: number;
}): TileViewDimensions {
  const { clientWidth, clientHeight, participants, maxColumns } = options;
  const desired = options.numberOfVisibleTiles ?? TILE_VIEW_DEFAULT_NUMBER_OF_VISIBLE_TILES;
  interface Candidate {
    area: number;
    height: number;
    width: number;
    columns: number;
    rows: number;
    visible: number;
  }
  let best: Candidate | undefined;
  let bestEnforced: Candidate | undefined;
  let bestZeroRows: Candidate | undefined;
  for (let c = 1; c <= Math.min(maxColumns, participants, desired); c++) {
    const r = Math.ceil(participants / c);
    const visibleRows = participants <= desired ? r : Math.floor(desired / c);
    const size = thumbnailSizeForTileView(c, visibleRows, clientWidth, clientHeight);
    if (!size) continue;
    const visible = Math.min(c * size.maxVisibleRows, participants);
    const candidate: Candidate = {
      area: Math.round((size.height + TILE_VERTICAL_MARGIN) * (size.width + TILE_HORIZONTAL_MARGIN) * visible),
      height: size.height,
      width: size.width,
      columns: c,
      rows: r,
      visible,
    };
    if (!size.minHeightEnforced) {
      const old = best?.visible ?? 0;
      if (candidate.area > (best?.area ?? 0)) best = candidate;
      else if (
        candidate.area === (best?.area ?? 0) &&
        ((old > desired && old >= participants) || (old < participants && visible <= desired))
      ) {
        best = candidate;
      }
    } else if (candidate.area >= (bestEnforced?.area ?? 0)) {
      bestEnforced = candidate;
    } else if (size.maxVisibleRows === 0) {
      const area = size.height * size.width * Math.min(c, participants);
      if (area > (bestZeroRows?.area ?? 0)) bestZeroRows = { ...candidate, area };
    }
  }
  const chosen = [best, bestEnforced, bestZeroRows].find((d) => d !== undefined && d.area > 0);
  let height: number;
  let width: number;
  let columns: number;
  let rows: number;
  if (chosen) {
    ({ height, width, columns, rows } = chosen);
  } else {
    height = thumbnailMinHeight(clientWidth);
    width = TILE_PORTRAIT_ASPECT_RATIO * height;
    columns = 1;
    rows = participants;
  }
  const availableHeight = clientHeight - TILE_VIEW_GRID_VERTICAL_MARGIN;
  const gridHeight = Math.min(availableHeight, rows * (TILE_VERTICAL_MARGIN + height));
  const visibleRows = Math.min(rows, Math.ceil(gridHeight / (height + TILE_VERTICAL_MARGIN)));
  return { height, width, columns, rows, visibleTiles: Math.min(participants, visibleRows * columns) };
}

export interface VerticalFilmstrip {
  /** Height of each remote thumbnail (the filmstrip is user-resizable on desktop, so 120 px). */
  thumbnailHeight: number;
  /** Remote thumbnails in the visible part of the list, partly shown ones included. */
  visibleThumbnails: number;
}

/** `calculateThumbnailSizeForVerticalView` with a resizable filmstrip, and the list height of `setVerticalViewDimensions`. */
export function verticalFilmstrip(clientWidth: number, clientHeight: number): VerticalFilmstrip {
  const availableWidth = Math.min(Math.max(clientWidth - VERTICAL_VIEW_HORIZONTAL_MARGIN, 0), DEFAULT_FILMSTRIP_WIDTH);
  const localHeight = Math.floor(availableWidth / DEFAULT_LOCAL_TILE_ASPECT_RATIO);
  const thumbnailHeight = DEFAULT_FILMSTRIP_WIDTH;
  const listHeight = Math.max(0, clientHeight - localHeight - VERTICAL_FILMSTRIP_VERTICAL_MARGIN);
  return { thumbnailHeight, visibleThumbnails: Math.ceil(listHeight / (thumbnailHeight + TILE_VERTICAL_MARGIN)) };
}

export interface VideoConstraints {
  maxHeight: number;
  maxFrameRate?: number;
}

/** The `ReceiverVideoConstraints` bridge-channel message (JVB `ReceiverVideoConstraintsMessage`). */
export interface ReceiverVideoConstraintsMessage {
  colibriClass: 'ReceiverVideoConstraints';
  lastN?: number;
  selectedSources?: string[];
  onStageSources?: string[];
  defaultConstraints?: VideoConstraints;
  constraints?: Record<string, VideoConstraints>;
  assumedBandwidthBps?: number;
}

export interface RemoteParticipant {
  endpointId: string;
  displayName: string;
  /** Its camera source name (`<endpointId>-v0`) when it sends video. */
  videoSourceName?: string;
}

/** The hash-config keys the layout follows (jitsi-meet `config.js` / `interface_config.js` names). */
export interface LayoutConfig {
  channelLastN?: number;
  startLastN?: number;
  disableTileView?: boolean;
  tileView?: { disabled?: boolean; numberOfVisibleTiles?: number };
  maxFullResolutionParticipants?: number;
  tileViewMaxColumns?: number;
}

export interface ReceiverLayout {
  layout: 'tile' | 'stage';
  /** Tile height (tile view), or the large video's height (stage view). */
  height: number;
  /** Remote participants (endpoint ids) whose tiles or thumbnails are visible. */
  visible: string[];
  /** Endpoint id of the participant on stage (stage view only). */
  onStage?: string;
  message: ReceiverVideoConstraintsMessage;
}

/** `startLastN ?? channelLastN ?? -1`. */
export function configuredLastN(config: LayoutConfig): number {
  return config.startLastN ?? config.channelLastN ?? -1;
}

/**
 * The layout one receiver shows for `remotes` (in the order they joined) in a window of
 * `clientWidth`×`clientHeight`, and the receiver constraints it sends. Nobody is pinned, no dominant
 * speaker is known and nobody shares a screen, which is what a load test's bots look like.
 */
export function receiverLayout(options: { clientWidth: number; clientHeight: number; remotes: readonly RemoteParticipant[]; config: LayoutConfig }): ReceiverLayout {
  const { clientWidth, clientHeight, config } = options;
  const remotes = [...options.remotes];
  const sorted = [...remotes].sort((a, b) => a.displayName.localeCompare(b.displayName) || (a.endpointId < b.endpointId ? -1 : a.endpointId > b.endpointId ? 1 : 0));
  const participants = remotes.length + 1;
  const tileViewDisabled = config.disableTileView === true || config.tileView?.disabled === true;
  const constraints: Record<string, VideoConstraints> = {};
  const message: ReceiverVideoConstraintsMessage = {
    colibriClass: 'ReceiverVideoConstraints',
    lastN: configuredLastN(config),
    defaultConstraints: { maxHeight: RECEIVE_QUALITY_LEVELS.NONE },
    onStageSources: [],
    selectedSources: [],
    constraints,
  };
  if (!tileViewDisabled && participants >= 3) {
    const tiles = tileViewDimensions({
      clientWidth,
      clientHeight,
      participants,
      maxColumns: maxColumnCount(clientWidth, config.tileViewMaxColumns ?? DEFAULT_MAX_COLUMNS),
      ...(config.tileView?.numberOfVisibleTiles === undefined ? {} : { numberOfVisibleTiles: config.tileView.numberOfVisibleTiles }),
    });
    const visible = sorted.slice(0, Math.max(0, tiles.visibleTiles - 1));
    const maxFull = config.maxFullResolutionParticipants ?? DEFAULT_MAX_FULL_RESOLUTION_PARTICIPANTS;
    let level = receiverQualityLevel(tiles.height);
    if (maxFull !== -1 && visible.length > maxFull && level > RECEIVE_QUALITY_LEVELS.STANDARD) level = RECEIVE_QUALITY_LEVELS.STANDARD;
    for (const p of visible) if (p.videoSourceName) constraints[p.videoSourceName] = { maxHeight: level };
    return { layout: 'tile', height: tiles.height, visible: visible.map((p) => p.endpointId), message };
  }
  const filmstrip = verticalFilmstrip(clientWidth, clientHeight);
  const visible = sorted.slice(0, filmstrip.visibleThumbnails);
  for (const p of visible) if (p.videoSourceName) constraints[p.videoSourceName] = { maxHeight: RECEIVE_QUALITY_LEVELS.LOW };
  const onStage = [...remotes].reverse().find((p) => p.videoSourceName !== undefined);
  const layout: ReceiverLayout = { layout: 'stage', height: clientHeight, visible: visible.map((p) => p.endpointId), message };
  if (onStage?.videoSourceName) {
    constraints[onStage.videoSourceName] = { maxHeight: largeVideoQuality(clientHeight) };
    message.onStageSources = [onStage.videoSourceName];
    layout.onStage = onStage.endpointId;
  }
  return layout;
}
