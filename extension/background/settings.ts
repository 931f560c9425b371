declare const __SOCIAL_TEAM_ENDPOINT__: string;

/**
 * The social team's endpoint. Fixed at build time for now (`WXT_SOCIAL_TEAM_ENDPOINT`, default the
 * local reference receiver); the options page and browser policy will override it later.
 */
export function socialTeamEndpoint(): string {
  return __SOCIAL_TEAM_ENDPOINT__;
}
