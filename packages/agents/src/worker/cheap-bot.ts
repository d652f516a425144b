/** Page-side measures that make a bot cheap without changing what it sends or receives. */
export interface CheapBotOptions {
  /** Play remote video in `<video>` elements. Off: streams are held, never attached, so nothing renders. */
  renderRemoteVideo: boolean;
  /** Play remote audio in `<audio>` elements. Off: held like video, so Chromium neither pulls nor decodes it. */
  renderRemoteAudio: boolean;
  /** Turn off echo cancellation, noise suppression and gain control in every getUserMedia call. */
  disableAudioProcessing: boolean;
}

/**
 * Runs before app scripts. Without rendering, a `<video>`'s (`<audio>`'s) `srcObject` setter keeps the stream
 * (the getter returns it, so apps that read it back still work) but never hands it to the media
 * player, and `play()` on such an element resolves without playing; decoding and stats go on in WebRTC.
 */
function installCheapBot(options: CheapBotOptions): void {
  const w = window as unknown as Record<string, unknown>;
  if (w.__jltCheapBot !== undefined) return;
  w.__jltCheapBot = true;
  if (!options.renderRemoteVideo || !options.renderRemoteAudio) {
    const descriptor = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
    const held = new WeakMap<HTMLMediaElement, MediaProvider | null>();
    if (descriptor?.set !== undefined && descriptor.get !== undefined) {
      // Native accessors and play() are called with an explicit receiver (.call), never unbound.
      // eslint-disable-next-line @typescript-eslint/unbound-method
      const nativeGet = descriptor.get as (this: HTMLMediaElement) => MediaProvider | null;
      // eslint-disable-next-line @typescript-eslint/unbound-method
      const nativeSet = descriptor.set as (this: HTMLMediaElement, value: MediaProvider | null) => void;
      Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
        configurable: true,
        enumerable: descriptor.enumerable ?? true,
        get(this: HTMLMediaElement) {
          return held.has(this) ? held.get(this) : nativeGet.call(this);
        },
        set(this: HTMLMediaElement, value: MediaProvider | null) {
          const hold = this instanceof HTMLVideoElement ? !options.renderRemoteVideo : this instanceof HTMLAudioElement && !options.renderRemoteAudio;
          if (hold) held.set(this, value);
          else nativeSet.call(this, value);
        },
      });
      // eslint-disable-next-line @typescript-eslint/unbound-method
      const nativePlay = HTMLMediaElement.prototype.play;
      HTMLMediaElement.prototype.play = function play(this: HTMLMediaElement) {
        return held.has(this) ? Promise.resolve() : nativePlay.call(this);
      };
    }
  }
  if (options.disableAudioProcessing && navigator.mediaDevices?.getUserMedia !== undefined) {
    const devices = navigator.mediaDevices;
    const nativeGum = devices.getUserMedia.bind(devices);
    devices.getUserMedia = (constraints?: MediaStreamConstraints) => {
      if (constraints?.audio === undefined || constraints.audio === false) return nativeGum(constraints);
      const audio = constraints.audio === true ? {} : constraints.audio;
      return nativeGum({ ...constraints, audio: { ...audio, echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
    };
  }
}

export function cheapBotScript(options: CheapBotOptions): string {
  return `(${installCheapBot.toString()})(${JSON.stringify(options)});`;
}
