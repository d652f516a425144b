/**
 * Keys of `config` that Jitsi Meet's web client applies from the URL hash (jitsi-meet
 * `react/features/base/config/configWhitelist.ts`, read at commit 02a8f1a4, 2025–2026 builds). The client
 * runs `lodash.pick(config, CONFIG_WHITELIST)`, so an entry allows itself and everything under it
 * (`testing` allows `testing.testMode`), and a whitelisted path inside a larger object is picked out of
 * it (`p2p.enabled` is applied from `config.p2p={"enabled":false,"useStunTurn":true}`, `useStunTurn` is
 * dropped). Keys outside the list are silently ignored by production builds (dev builds apply anything).
 * Embedded pages (iframe) get a few more keys; bots are never embedded.
 */
export const CONFIG_WHITELIST: readonly string[] = [
  '_desktopSharingSourceDevice', '_peerConnStatusOutOfLastNTimeout', '_peerConnStatusRtcMuteTimeout',
  'analytics.disabled', 'analytics.rtcstatsEnabled', 'analytics.watchRTCEnabled', 'audioLevelsInterval',
  'audioQuality', 'autoKnockLobby', 'apiLogLevels', 'avgRtpStatsN', 'backgroundAlpha', 'brandingRoomAlias',
  'breakoutRooms', 'bridgeChannel', 'buttonsWithNotifyClick', 'callDisplayName', 'callFlowsEnabled', 'callHandle',
  'callUUID', 'cameraFacingMode', 'conferenceInfo', 'channelLastN', 'connectionIndicators', 'constraints',
  'deeplinking.disabled', 'deeplinking.desktop.enabled', 'defaultLocalDisplayName', 'defaultRemoteDisplayName',
  'desktopSharingFrameRate', 'desktopSharingSources', 'disable1On1Mode', 'disableAEC', 'disableAGC', 'disableAP',
  'disableAddingBackgroundImages', 'disableAudioLevels', 'disableBeforeUnloadHandlers',
  'disableCameraTintForeground', 'disableChatSmileys', 'disableDeepLinking', 'disabledNotifications',
  'disabledSounds', 'disableFilmstripAutohiding', 'disableInitialGUM', 'disableInviteFunctions',
  'disableIncomingMessageSound', 'disableJoinLeaveSounds', 'disableLocalVideoFlip', 'disableModeratorIndicator',
  'disableNS', 'disablePolls', 'disableProfile', 'disableReactions', 'disableReactionsModeration',
  'disableRecordAudioNotification', 'disableRemoteControl', 'disableRemoteMute', 'disableResponsiveTiles',
  'disableRtx', 'disableSelfDemote', 'disableSelfView', 'disableSelfViewSettings', 'disableShortcuts',
  'disableShowMoreStats', 'disableRemoveRaisedHandOnFocus', 'disableSpeakerStatsSearch', 'speakerStatsOrder',
  'disableSimulcast', 'disableThirdPartyRequests', 'disableTileView', 'disableTileEnlargement',
  'disableVirtualBackground', 'displayJids', 'doNotStoreRoom', 'doNotFlipLocalVideo', 'dropbox.appKey', 'e2eeLabels',
  'e2ee', 'e2eping', 'enableCalendarIntegration', 'enableDisplayNameInStats', 'enableEmailInStats',
  'enableEncodedTransformSupport', 'enableInsecureRoomNameWarning', 'enableLobbyChat', 'enableOpusRed', 'enableRemb',
  'enableSaveLogs', 'enableTalkWhileMuted', 'enableNoAudioDetection', 'enableNoisyMicDetection', 'enableTcc',
  'faceLandmarks', 'feedbackPercentage', 'filmstrip', 'flags', 'forceTurnRelay', 'gatherStats', 'giphy',
  'googleApiApplicationClientID', 'gravatar.disabled', 'hiddenPremeetingButtons', 'hideConferenceSubject',
  'hideDisplayName', 'hideDominantSpeakerBadge', 'hideRecordingLabel', 'hideParticipantsStats',
  'hideConferenceTimer', 'hideAddRoomButton', 'hideEmailInSettings', 'hideLobbyButton', 'iAmRecorder',
  'iAmSipGateway', 'ignoreStartMuted', 'inviteAppName', 'liveStreaming.enabled', 'liveStreamingEnabled', 'lobby',
  'localRecording', 'localSubject', 'logging', 'mainToolbarButtons', 'maxFullResolutionParticipants',
  'mouseMoveCallbackInterval', 'notifications', 'notificationTimeouts', 'notifyOnConferenceDestruction',
  'openSharedDocumentOnJoin', 'opusMaxAverageBitrate', 'p2p.backToP2PDelay', 'p2p.codecPreferenceOrder',
  'p2p.enabled', 'p2p.iceTransportPolicy', 'p2p.mobileCodecPreferenceOrder', 'p2p.mobileScreenshareCodec',
  'participantMenuButtonsWithNotifyClick', 'participantsPane', 'pcStatsInterval', 'preferBosh', 'preferVisitor',
  'prejoinConfig.enabled', 'prejoinConfig.hideDisplayName', 'prejoinConfig.hideExtraJoinButtons',
  'prejoinPageEnabled', 'raisedHands', 'recordingService', 'requireDisplayName', 'remoteVideoMenu',
  'roomPasswordNumberOfDigits', 'readOnlyName', 'recordings.recordAudioAndVideo', 'recordings.showPrejoinWarning',
  'recordings.showRecordingLink', 'recordings.suggestRecording', 'replaceParticipant', 'resolution',
  'screenshotCapture', 'securityUi', 'filmstripBackgroundOpaque', 'speakerStats', 'startAudioMuted',
  'startAudioOnly', 'startLastN', 'startScreenSharing', 'startSilent', 'startVideoMuted', 'startWithAudioMuted',
  'startWithVideoMuted', 'stereo', 'subject', 'testing', 'toolbarButtons', 'toolbarConfig', 'tileView',
  'transcribingEnabled', 'transcription', 'useHostPageLocalStorage', 'useTurnUdp', 'videoQuality',
  'visitors.enableMediaOnPromote', 'watchRTCConfigParams.allowBrowserLogCollection',
  'watchRTCConfigParams.collectionInterval', 'watchRTCConfigParams.console', 'watchRTCConfigParams.debug',
  'watchRTCConfigParams.keys', 'watchRTCConfigParams.logGetStats', 'watchRTCConfigParams.rtcApiKey',
  'watchRTCConfigParams.rtcPeerId', 'watchRTCConfigParams.rtcRoomId', 'watchRTCConfigParams.rtcTags',
  'watchRTCConfigParams.rtcToken', 'webrtcIceTcpDisable', 'webrtcIceUdpDisable', 'whiteboard.enabled',
];

/** Keys of `interfaceConfig` the web client applies from the URL hash (`interfaceConfigWhitelist.ts`, same commit). */
export const INTERFACE_CONFIG_WHITELIST: readonly string[] = [
  'AUDIO_LEVEL_PRIMARY_COLOR', 'AUDIO_LEVEL_SECONDARY_COLOR', 'AUTO_PIN_LATEST_SCREEN_SHARE',
  'CLOSE_PAGE_GUEST_HINT', 'CONNECTION_INDICATOR_AUTO_HIDE_ENABLED', 'CONNECTION_INDICATOR_AUTO_HIDE_TIMEOUT',
  'CONNECTION_INDICATOR_DISABLED', 'DEFAULT_BACKGROUND', 'DISABLE_PRESENCE_STATUS',
  'DISABLE_JOIN_LEAVE_NOTIFICATIONS', 'DEFAULT_LOCAL_DISPLAY_NAME', 'DEFAULT_REMOTE_DISPLAY_NAME',
  'DISABLE_DOMINANT_SPEAKER_INDICATOR', 'DISABLE_FOCUS_INDICATOR', 'DISABLE_PRIVATE_MESSAGES',
  'DISABLE_TRANSCRIPTION_SUBTITLES', 'DISABLE_VIDEO_BACKGROUND', 'DISPLAY_WELCOME_PAGE_CONTENT', 'ENABLE_DIAL_OUT',
  'FILM_STRIP_MAX_HEIGHT', 'GENERATE_ROOMNAMES_ON_WELCOME_PAGE', 'INDICATOR_FONT_SIZES', 'INITIAL_TOOLBAR_TIMEOUT',
  'LANG_DETECTION', 'LOCAL_THUMBNAIL_RATIO', 'MAXIMUM_ZOOMING_COEFFICIENT', 'NATIVE_APP_NAME', 'OPTIMAL_BROWSERS',
  'PHONE_NUMBER_REGEX', 'PROVIDER_NAME', 'RECENT_LIST_ENABLED', 'REMOTE_THUMBNAIL_RATIO', 'SETTINGS_SECTIONS',
  'SHARING_FEATURES', 'SHOW_CHROME_EXTENSION_BANNER', 'SHOW_POWERED_BY', 'TILE_VIEW_MAX_COLUMNS',
  'TOOLBAR_ALWAYS_VISIBLE', 'TOOLBAR_BUTTONS', 'TOOLBAR_TIMEOUT', 'UNSUPPORTED_BROWSERS', 'VERTICAL_FILMSTRIP',
  'VIDEO_LAYOUT_FIT', 'VIDEO_QUALITY_LABEL_DISABLED',
];
