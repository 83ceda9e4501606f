// The personal token the GitHub test server accepts in token mode. A module of its own (no client
// code) so that light-weight callers — the e2e forge servers, Playwright configs and specs — can
// use it without loading the GitHub provider.
export const TEST_TOKEN = "ghp_testtoken_never_in_messages_0123456789";
