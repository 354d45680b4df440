package database

// ReachableLater exposes the start-up error classification to the tests.
var ReachableLater = reachableLater
