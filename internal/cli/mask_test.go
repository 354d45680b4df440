package cli_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/cli"
)

func TestMaskURLPasswords(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		in   string
		want string
	}{
		{name: "url", in: "{DatabaseURL:postgres://analytics:secret@localhost:5432/analytics?sslmode=disable}",
			want: "{DatabaseURL:postgres://analytics:xxxxx@localhost:5432/analytics?sslmode=disable}"},
		{name: "url_that_does_not_parse", in: "{DatabaseURL:postgres://analytics:secret@localhost:notaport/analytics}",
			want: "{DatabaseURL:postgres://analytics:xxxxx@localhost:notaport/analytics}"},
		{name: "password_in_query", in: "{DatabaseURL:postgres://analytics@localhost/analytics?password=secret&sslmode=disable}",
			want: "{DatabaseURL:postgres://analytics@localhost/analytics?password=xxxxx&sslmode=disable}"},
		{name: "keyword_value", in: "{DatabaseURL:host=localhost password=secret dbname=analytics}",
			want: "{DatabaseURL:host=localhost password=xxxxx dbname=analytics}"},
		{name: "password_field", in: "{RedisPassword:secret RedisPort:6379}", want: "{RedisPassword:xxxxx RedisPort:6379}"},
		{name: "no_password", in: "{DatabaseURL:postgres://analytics@localhost/analytics}", want: "{DatabaseURL:postgres://analytics@localhost/analytics}"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, cli.MaskURLPasswords(tc.in))
		})
	}
}
