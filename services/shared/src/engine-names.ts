// The browser engines and the user's settings the lab's checks speak of (issues #14, #20, #23):
// the grader drives the engines; the app and the expectations only name them.

/** The engines the grader can drive; Chromium is the default, and the only one in the grader image. */
export const ENGINES = ["chromium", "firefox", "webkit"] as const;
export type EngineName = (typeof ENGINES)[number];

export const ENGINE_TITLES: Readonly<Record<EngineName, string>> = {
  chromium: "Chromium",
  firefox: "Firefox",
  webkit: "WebKit",
};

/**
 * Third-party cookies as the engine ships (Chrome sends them, Firefox partitions them, WebKit blocks
 * them), or withheld by Chromium too, as in its Incognito windows (issue #20).
 */
export const THIRD_PARTY_COOKIES = ["shipped", "blocked"] as const;
export type ThirdPartyCookies = (typeof THIRD_PARTY_COOKIES)[number];

/**
 * Local Network Access (issue #23): as a user who was never asked (Chromium under automation
 * answers the prompt "deny", microsoft/playwright#37861), or as one who allowed it.
 */
export const LOCAL_NETWORK = ["denied", "granted"] as const;
export type LocalNetwork = (typeof LOCAL_NETWORK)[number];
