// Package analytics_test checks that docker-compose.yml agrees with the code: no Docker engine runs
// where the tests run, so the file is parsed instead of started.
package analytics_test

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/analytics-pipeline/analytics/ingestion"
	"github.com/analytics-pipeline/analytics/processor"
	"github.com/analytics-pipeline/analytics/reporting"
)

type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Profiles    []string          `yaml:"profiles"`
		Build       any               `yaml:"build"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Ports       []string          `yaml:"ports"`
		DependsOn   map[string]struct {
			Condition string `yaml:"condition"`
			Required  *bool  `yaml:"required"`
		} `yaml:"depends_on"`
	} `yaml:"services"`
}

// envNames collects the env tags of a config struct, nested structs included.
func envNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		f := t.Field(i)
		if name, ok := f.Tag.Lookup("env"); ok {
			names = append(names, strings.Split(name, ",")[0])
		}
		if f.Type.Kind() == reflect.Struct && f.Type.PkgPath() != "time" {
			names = append(names, envNames(f.Type)...)
		}
	}
	return names
}

func TestComposeMatchesCode(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("docker-compose.yml")
	require.NoError(t, err)
	var compose composeFile
	require.NoError(t, yaml.Unmarshal(raw, &compose))

	redis := compose.Services["redis"]
	require.Contains(t, strings.Join(redis.Command, " "), "--appendonly yes", "redis must persist its stream (AOF)")
	require.Contains(t, compose.Services, "postgres")

	cases := []struct {
		service string
		config  any
		port    string
		needs   []string
	}{
		{service: "ingestion", config: ingestion.Config{}, port: "3000:3000", needs: []string{"REDIS_HOST", "DATABASE_URL"}},
		{service: "processor", config: processor.Config{}, needs: []string{"REDIS_HOST", "DATABASE_URL"}},
		{service: "reporting", config: reporting.Config{}, port: "3001:3001", needs: []string{"DATABASE_URL"}},
	}
	for _, tc := range cases {
		t.Run(tc.service, func(t *testing.T) {
			svc, ok := compose.Services[tc.service]
			require.True(t, ok, "service %s missing", tc.service)
			require.NotNil(t, svc.Build, "service %s must build the Dockerfile", tc.service)
			require.Equal(t, []string{"/usr/local/bin/" + tc.service}, svc.Command)
			known := append(envNames(reflect.TypeOf(tc.config)), "LOG_LEVEL")
			for name := range svc.Environment {
				require.True(t, slices.Contains(known, name), "%s sets %s, which %s does not read", tc.service, name, tc.service)
			}
			if tc.port != "" {
				require.Contains(t, svc.Ports, tc.port)
				require.Equal(t, strings.Split(tc.port, ":")[1], svc.Environment[strings.ToUpper(tc.service)+"_PORT"])
			}
			for _, name := range tc.needs {
				require.NotEmpty(t, svc.Environment[name], "%s needs %s", tc.service, name)
			}
			if strings.Contains(svc.Environment["DATABASE_URL"], "@") {
				require.Equal(t, compose.Services["migrate"].Environment["DATABASE_URL"], svc.Environment["DATABASE_URL"],
					"%s must use the database that migrate migrates", tc.service)
				require.Equal(t, "service_completed_successfully", svc.DependsOn["migrate"].Condition,
					"%s only checks the schema: it must start after migrate has applied it", tc.service)
			}
			if svc.Environment["REDIS_HOST"] != "" {
				require.Equal(t, "redis", svc.Environment["REDIS_HOST"])
			}
		})
	}
}

// TestComposeKafkaProfile checks the kafka profile: a one-node KRaft Kafka that starts only with the
// profile, and ingestion and processor configured to reach it when BROKER=kafka.
func TestComposeKafkaProfile(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("docker-compose.yml")
	require.NoError(t, err)
	var compose composeFile
	require.NoError(t, yaml.Unmarshal(raw, &compose))

	kafka, ok := compose.Services["kafka"]
	require.True(t, ok, "the kafka service is missing")
	require.Equal(t, []string{"kafka"}, kafka.Profiles, "Kafka starts only with --profile kafka")
	require.Contains(t, kafka.Image, "kafka")
	require.Contains(t, kafka.Environment["KAFKA_PROCESS_ROLES"], "controller", "KRaft: the broker is its own controller, no ZooKeeper")
	require.NotContains(t, compose.Services, "zookeeper")
	require.Contains(t, kafka.Environment["KAFKA_ADVERTISED_LISTENERS"], "localhost:9092", "the host reaches Kafka at the default KAFKA_BROKERS")
	require.Contains(t, kafka.Ports, "9092:9092")
	require.Equal(t, "false", kafka.Environment["KAFKA_AUTO_CREATE_TOPICS_ENABLE"], "the services create the topic with KAFKA_PARTITIONS")

	for _, name := range []string{"ingestion", "processor"} {
		svc := compose.Services[name]
		require.Equal(t, "${BROKER:-redis}", svc.Environment["BROKER"], "%s: BROKER chooses the broker, redis by default", name)
		require.Contains(t, kafka.Environment["KAFKA_ADVERTISED_LISTENERS"], "://"+svc.Environment["KAFKA_BROKERS"],
			"%s: KAFKA_BROKERS must be an advertised listener of the kafka service", name)
		dep, ok := svc.DependsOn["kafka"]
		require.True(t, ok, "%s must wait for kafka when the profile runs", name)
		require.NotNil(t, dep.Required)
		require.False(t, *dep.Required, "%s must start without the kafka profile too", name)
	}
	require.Equal(t, compose.Services["processor"].Environment["KAFKA_PARTITIONS"], "16")
}

// TestComposeMigratesOnce checks the one-shot migrate service: the only one that changes the schema, run
// from the same image once Postgres is healthy, with the processor's POISON_TOPIC.
func TestComposeMigratesOnce(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("docker-compose.yml")
	require.NoError(t, err)
	var compose composeFile
	require.NoError(t, yaml.Unmarshal(raw, &compose))

	migrate, ok := compose.Services["migrate"]
	require.True(t, ok, "the migrate service is missing")
	require.NotNil(t, migrate.Build, "migrate must build the Dockerfile")
	require.Equal(t, []string{"/usr/local/bin/migrate"}, migrate.Command)
	require.Contains(t, migrate.Environment["DATABASE_URL"], "@postgres:5432/")
	require.Equal(t, "service_healthy", migrate.DependsOn["postgres"].Condition)
	require.Equal(t, compose.Services["processor"].Environment["POISON_TOPIC"], migrate.Environment["POISON_TOPIC"],
		"migrate creates the poison table of POISON_TOPIC, which the processor checks at start-up")
	dockerfile, err := os.ReadFile("Dockerfile")
	require.NoError(t, err)
	require.Contains(t, string(dockerfile), "./cmd/migrate", "the image must hold the migrate command")
}
