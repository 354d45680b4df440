package messaging

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/redis/go-redis/v9"
)

// ErrBrokerSetting marks a broker error that waiting cannot cure: a setting is wrong (a REDIS_HOST that
// is no host, a password Redis rejects). WaitReady returns it at once instead of retrying, and a service
// exits on it.
var ErrBrokerSetting = errors.New("broker setting")

// settingError names the setting to fix; it matches ErrBrokerSetting and its cause.
type settingError struct {
	msg   string
	cause error
}

func (e *settingError) Error() string   { return e.msg }
func (e *settingError) Unwrap() []error { return []error{ErrBrokerSetting, e.cause} }

// checkRedisHost rejects a REDIS_HOST that cannot be a host name or an IP address, such as a URL or a
// host:port: a name lookup would only fail with "no such host", which also means "not started yet".
func checkRedisHost(host string) error {
	if net.ParseIP(host) != nil {
		return nil
	}
	valid := host != "" && !strings.ContainsFunc(host, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_')
	})
	if valid {
		return nil
	}
	return &settingError{
		msg:   fmt.Sprintf("REDIS_HOST=%q is not a host name or IP address (no scheme, no port: the port goes in REDIS_PORT)", host),
		cause: errors.New("malformed host"),
	}
}

// redisPingError wraps a failed ping of Redis at addr; credentials Redis rejects make a settingError.
func redisPingError(addr string, err error) error {
	if redis.IsAuthError(err) || redis.IsPermissionError(err) {
		return &settingError{msg: fmt.Sprintf("redis at %s rejects the credentials; fix REDIS_PASSWORD: %v", addr, err), cause: err}
	}
	return fmt.Errorf("ping redis at %s: %w", addr, err)
}
