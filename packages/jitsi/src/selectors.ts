/**
 * DOM selectors of Jitsi Meet's web client that bots use, from jitsi-meet `Prejoin.tsx` and the
 * project's own page objects (`tests/pageobjects/{PreJoinScreen,PreMeetingScreen,Toolbar}.ts`), read
 * at 2025–2026 commits (stable-10590 and later). `data-testid` and element ids are stable across
 * releases; aria-labels are the English UI strings and change with the language, so they are a
 * fallback only (jlt's bots run with the default English locale).
 */
export const JITSI_SELECTORS = {
  /** The prejoin screen container; present while the participant has not joined yet. */
  prejoinScreen: '[data-testid="prejoin.screen"]',
  /** Display-name input of the prejoin screen; pressing Enter in it joins. */
  prejoinDisplayNameInput: '#premeeting-name-input',
  /** Join button; disabled while joining or while a required display name is missing. */
  prejoinJoinButton: '[data-testid="prejoin.joinMeeting"]',
  prejoinJoinWithoutAudioButton: '[data-testid="prejoin.joinWithoutAudio"]',
  prejoinJoinOptions: '[data-testid="prejoin.joinOptions"]',
  prejoinErrorMessage: '[data-testid="prejoin.errorMessage"]',
  lobbyEnterPasswordButton: '[data-testid="lobby.enterPasswordButton"]',
  lobbyPasswordInput: '[data-testid="lobby.password"]',
  lobbyPasswordJoinButton: '[data-testid="lobby.passwordJoinButton"]',
  toolbarMuteMicrophone: '[aria-label="Mute microphone"]',
  toolbarUnmuteMicrophone: '[aria-label="Unmute microphone"]',
  toolbarStopCamera: '[aria-label="Stop camera"]',
  toolbarStartCamera: '[aria-label="Start camera"]',
  toolbarLeave: '[aria-label="Leave the meeting"]',
  toolbarParticipantsPane: '[aria-label^="Open participants pane"]',
  toolbarMoreActions: '[aria-label="More actions"]',
} as const;

export type JitsiSelectorName = keyof typeof JITSI_SELECTORS;

/** `#premeeting-name-input`: the prejoin display-name input. */
export const PREJOIN_NAME_INPUT = JITSI_SELECTORS.prejoinDisplayNameInput;

/** `[data-testid="prejoin.joinMeeting"]`: the prejoin join button. */
export const PREJOIN_JOIN_BUTTON = JITSI_SELECTORS.prejoinJoinButton;
