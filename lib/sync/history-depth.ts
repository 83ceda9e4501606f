/** Changes kept per cell: the last 50 commits that changed its files, of which those that changed what it runs. */
export const HISTORY_DEPTH = 50;
