"""The operations console under /console: a server-rendered web page for the people who run
outages, hazards and broadcasts (issue 18). Every action calls the same service function as the
`sadeeq` commands and the token API, and so sends the same notices."""
