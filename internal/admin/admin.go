// Package admin is the operator's command line: it lists, shows, replays and purges the poison queue,
// reports the state of the event stream and its consumer group, deletes old raw events, registers sites,
// their time zones and whether they are public, makes and revokes API keys and write keys
// (sources), and rebuilds the projections. Results go to the writer the command was parsed
// with; logs go to the logger.
package admin

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"

	"github.com/analytics-pipeline/analytics/messaging"
)

// Config is what admin reads from the environment; fields carry their environment names.
type Config struct {
	DatabaseURL string           `env:"DATABASE_URL" envDefault:"postgres://analytics:analytics@localhost:5432/analytics?sslmode=disable"`
	Messaging   messaging.Config `envPrefix:""`
}

// ErrUsage marks a command line admin does not understand; the caller prints Usage and exits 2.
var ErrUsage = errors.New("invalid command line")

// Usage is the help text.
const Usage = `usage: admin <command> [arguments]

  poison list [-limit N] [-json]   poisoned messages, oldest first (default limit 100; 0 lists all)
  poison show OFFSET               one poisoned message as JSON, with its full reason and payload
  poison replay OFFSET | -all      publish back onto the topic it was poisoned from, then delete it
  poison purge OFFSET | -all       delete for good
  queue status [-json]             stream length, the consumer group's pending count, lag and consumers
                                   (Kafka: topic length, group lag, state and members)
  events expire -older-than D [-batch-size N]
                                   delete raw events that occurred longer ago than D (e.g. 720h), N per
                                   transaction (default 5000); projections are kept (see RAW_EVENTS_RETENTION)
  sites create [-time-zone ZONE] SITE_ID
                                   register a site whose days are counted in ZONE, an IANA name such as
                                   Europe/Berlin (default UTC, as for every site nobody registered)
  sites list [-json]               registered sites, by id
  sites show SITE_ID               one site as JSON
  sites update [-time-zone ZONE] [-public | -private] [-allowed-origins LIST] SITE_ID
                                   count the site's days in ZONE from now on, then rebuild its projections;
                                   -public answers its statistics without an API key, -private needs one
                                   again; -allowed-origins "https://a.example,https://b.example" takes
                                   browsers' events only from those origins, "" from any (the default)
                                   (neither rebuilds)
  keys create [-site SITE_ID] [-name NAME]
                                   make an API key of the query API for one site (default: every site) and
                                   print it, this once: Postgres keeps only its SHA-256
  keys list [-json]                API keys by id, revoked ones too; never the keys themselves
  keys revoke ID                   refuse key ID from now on (within API_KEY_CACHE_TTL on each replica)
  sources create -site SITE_ID [-name NAME]
                                   make a source of Segment-spec events (POST /v1/*) for a site and print
                                   its write key, this once: Postgres keeps only its SHA-256
  sources list [-json]             sources by id, revoked ones too; never their write keys
  sources revoke ID                refuse source ID's write key from now on (within SOURCE_KEY_CACHE_TTL on
                                   each ingestion replica)
  rebuild [-site SITE_ID] [-from DAY] [-to DAY]
                                   recompute the projections of one site (default: every site) for its local
                                   days DAY (YYYY-MM-DD) from the raw events, while the pipeline runs; days
                                   whose raw events expired are left as they are and named

Configuration comes from the environment: DATABASE_URL, REDIS_HOST, REDIS_PORT, REDIS_PASSWORD,
REDIS_STREAM_NAME, REDIS_CONSUMER_GROUP, POISON_TOPIC, LOG_LEVEL; with BROKER=kafka, KAFKA_BROKERS,
KAFKA_TOPIC, KAFKA_CONSUMER_GROUP (replay publishes through the configured broker).
`

// Command is a parsed command line, ready to run.
type Command struct {
	run func(ctx context.Context, cfg Config, log *slog.Logger) error
}

// Parse reads the command line args (without the program name); the command will write its results to
// out. It returns an error wrapping ErrUsage for a command line it does not understand, and
// flag.ErrHelp when help was asked for.
func Parse(args []string, out io.Writer, opts ...Option) (*Command, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		return nil, flag.ErrHelp
	}
	if len(args) > 0 && args[0] == "rebuild" {
		return parseRebuild(args[1:], out)
	}
	if len(args) < 2 {
		return nil, fmt.Errorf("%w: missing command", ErrUsage)
	}
	name, rest := args[0]+" "+args[1], args[2:]
	switch name {
	case "poison list":
		return parseList(rest, out)
	case "poison show":
		return parseShow(rest, out)
	case "poison replay":
		return parseReplay(rest, out)
	case "poison purge":
		return parsePurge(rest, out)
	case "queue status":
		return parseStatus(rest, out)
	case "events expire":
		return parseExpire(rest, out)
	case "sites create":
		return parseSitesCreate(rest, out, o)
	case "sites list":
		return parseSitesList(rest, out)
	case "sites show":
		return parseSitesShow(rest, out)
	case "sites update":
		return parseSitesUpdate(rest, out, o)
	case "keys create":
		return parseKeysCreate(rest, out)
	case "keys list":
		return parseKeysList(rest, out)
	case "keys revoke":
		return parseKeysRevoke(rest, out)
	case "sources create":
		return parseSourcesCreate(rest, out)
	case "sources list":
		return parseSourcesList(rest, out)
	case "sources revoke":
		return parseSourcesRevoke(rest, out)
	}
	return nil, fmt.Errorf("%w: unknown command %q", ErrUsage, name)
}

// Run checks cfg and runs the command; it has the signature cli.Main expects.
func (c *Command) Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	cfg.Messaging.SetDefaults()
	if cfg.DatabaseURL == "" {
		return errors.New("config: DATABASE_URL is empty")
	}
	if err := cfg.Messaging.Validate(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return c.run(ctx, cfg, log)
}

// parseFlags parses args with fs, which the caller filled with flags, and returns the positional
// arguments left.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %s: %w", ErrUsage, fs.Name(), err)
	}
	return fs.Args(), nil
}

// parseTarget reads the OFFSET | -all argument of replay and purge.
// parseJSONFlag reads the arguments of command name, which takes only -json (described by usage).
func parseJSONFlag(name, usage string, args []string) (*bool, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	asJSON := fs.Bool("json", false, usage)
	rest, err := parseFlags(fs, args)
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 {
		return nil, fmt.Errorf("%w: %s takes only -json", ErrUsage, name)
	}
	return asJSON, nil
}

func parseTarget(name string, args []string) (all bool, offset int64, err error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	allFlag := fs.Bool("all", false, "every message")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return false, 0, err
	}
	switch {
	case *allFlag && len(rest) == 0:
		return true, 0, nil
	case !*allFlag && len(rest) == 1:
		offset, err := parseOffset(name, rest[0])
		return false, offset, err
	}
	return false, 0, fmt.Errorf("%w: %s takes either an OFFSET or -all", ErrUsage, name)
}

func parseOffset(name, arg string) (int64, error) {
	offset, err := strconv.ParseInt(arg, 10, 64)
	if err != nil || offset <= 0 {
		return 0, fmt.Errorf("%w: %s: OFFSET must be a positive integer, not %q", ErrUsage, name, arg)
	}
	return offset, nil
}
