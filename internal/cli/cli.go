// Package cli is what every main shares: the JSON logger, configuration from the environment, signal
// handling and the exit code.
package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/caarlos0/env/v11"

	"github.com/analytics-pipeline/analytics/messaging"
)

// Main fills cfg from the environment, checks it when it has a Validate method, logs it with secrets
// masked, and calls run with a context that ends on SIGINT or SIGTERM. It exits 1 when configuration or
// run fails. Checking here, before run fills what a configuration built in code leaves unset with the
// defaults, is what makes an explicit zero from the environment (SHUTDOWN_TIMEOUT=0) an error rather
// than a default.
func Main[C any](service string, run func(ctx context.Context, cfg C, log *slog.Logger) error) {
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level(os.Getenv("LOG_LEVEL"))})).With("service", service)
	slog.SetDefault(log)
	messaging.SetRedisLogger(log)
	if os.Getenv("GOMEMLIMIT") == "" {
		// A soft limit: the garbage collector works harder near it instead of letting the heap double.
		debug.SetMemoryLimit(defaultMemoryLimit)
	}

	cfg, err := env.ParseAs[C]()
	if v, ok := any(cfg).(interface{ Validate() error }); ok && err == nil {
		err = v.Validate()
	}
	if err != nil {
		log.Error("configuration", "err", err)
		os.Exit(1)
	}
	log.Info("starting", "config", masked(cfg))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = run(ctx, cfg, log)
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		log.Info("stopped during start-up")
		err = nil
	}
	if err != nil {
		log.Error("exiting", "err", err)
		stop()
		os.Exit(1)
	}
}

// defaultMemoryLimit is the Go runtime's soft memory limit unless GOMEMLIMIT sets another.
const defaultMemoryLimit = 48 << 20

func level(s string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(s))); err != nil {
		return slog.LevelInfo
	}
	return l
}

// masked renders cfg with passwords, in fields or inside URLs, replaced.
func masked(cfg any) string {
	return maskURLPasswords(fmt.Sprintf("%+v", cfg))
}
