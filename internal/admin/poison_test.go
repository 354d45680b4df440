package admin_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill-redisstream/pkg/redisstream"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"

	"github.com/analytics-pipeline/analytics/internal/admin"
	"github.com/analytics-pipeline/analytics/internal/testenv"
	"github.com/analytics-pipeline/analytics/messaging"
)

// poisoned is a message as the poison middleware stores it after a handler rejected it.
type poisoned struct {
	uuid    string
	payload []byte
	offset  int64
}

// poison writes one message per payload into cfg's poison queue with the metadata the poison middleware
// sets, and returns them with their offsets, oldest first.
func poison(t *testing.T, cfg admin.Config, payloads ...[]byte) []poisoned {
	t.Helper()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, cfg.DatabaseURL)
	require.NoError(t, err)
	defer pool.Close()
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	pub, err := messaging.NewPostgresPoisonPublisher(db, watermill.NopLogger{})
	require.NoError(t, err)

	msgs := make([]poisoned, len(payloads))
	for i, payload := range payloads {
		msg := message.NewMessage(watermill.NewUUID(), payload)
		msg.Metadata.Set(middleware.ReasonForPoisonedKey, "permanent: decode event: unexpected end of JSON input")
		msg.Metadata.Set(middleware.PoisonedTopicKey, cfg.Messaging.Stream)
		msg.Metadata.Set(middleware.PoisonedHandlerKey, "project_events_0")
		msg.Metadata.Set(middleware.PoisonedSubscriberKey, "redisstream.Subscriber")
		require.NoError(t, pub.Publish(cfg.Messaging.PoisonTopic, msg))
		msgs[i] = poisoned{uuid: msg.UUID, payload: payload}
	}
	require.NoError(t, pool.QueryRow(ctx, `SELECT min("offset") FROM "watermill_`+cfg.Messaging.PoisonTopic+`"`).Scan(&msgs[0].offset))
	for i := 1; i < len(msgs); i++ {
		msgs[i].offset = msgs[0].offset + int64(i)
	}
	return msgs
}

// listJSON runs `poison list -json` with extra args and decodes its lines.
func listJSON(t *testing.T, cfg admin.Config, args ...string) []map[string]any {
	t.Helper()
	out, err := runAdmin(t, cfg, append([]string{"poison", "list", "-json"}, args...)...)
	require.NoError(t, err)
	var entries []map[string]any
	scanner := bufio.NewScanner(strings.NewReader(out))
	for scanner.Scan() {
		var entry map[string]any
		require.NoError(t, json.Unmarshal(scanner.Bytes(), &entry))
		entries = append(entries, entry)
	}
	return entries
}

// streamUUIDs returns the UUIDs of the messages on cfg's stream, oldest first.
func streamUUIDs(t *testing.T, cfg admin.Config) []string {
	t.Helper()
	entries, err := testenv.RedisClient(t, cfg.Messaging).XRange(context.Background(), cfg.Messaging.Stream, "-", "+").Result()
	require.NoError(t, err)
	var uuids []string
	for _, entry := range entries {
		msg, err := redisstream.DefaultMarshallerUnmarshaller{}.Unmarshal(entry.Values)
		require.NoError(t, err)
		uuids = append(uuids, msg.UUID)
	}
	return uuids
}

func TestPoisonListAndShow(t *testing.T) {
	t.Parallel()
	cfg := newConfig(t)
	msgs := poison(t, cfg, []byte(`{"site_id":`), []byte{0xff, 0x00, 'x'})

	table, err := runAdmin(t, cfg, "poison", "list")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(table), "\n")
	require.Len(t, lines, 3)
	require.Regexp(t, `^OFFSET\s+POISONED AT\s+UUID\s+TOPIC\s+HANDLER\s+REASON$`, lines[0])
	for i, msg := range msgs {
		require.Regexp(t, `^`+strconv.FormatInt(msg.offset, 10)+`\s+\S+\s+`+msg.uuid+`\s+`+cfg.Messaging.Stream+
			`\s+project_events_0\s+permanent: decode event: unexpected end of JSON input$`, lines[i+1])
	}

	entries := listJSON(t, cfg)
	require.Len(t, entries, 2)
	require.Equal(t, map[string]any{"uuid": msgs[0].uuid, "payload_encoding": "text", "payload": `{"site_id":`},
		map[string]any{"uuid": entries[0]["uuid"], "payload_encoding": entries[0]["payload_encoding"], "payload": entries[0]["payload"]})
	require.Equal(t, "base64", entries[1]["payload_encoding"])
	require.Equal(t, base64.StdEncoding.EncodeToString(msgs[1].payload), entries[1]["payload"])
	require.Len(t, listJSON(t, cfg, "-limit", "1"), 1)

	shown, err := runAdmin(t, cfg, "poison", "show", strconv.FormatInt(msgs[1].offset, 10))
	require.NoError(t, err)
	var entry map[string]any
	require.NoError(t, json.Unmarshal([]byte(shown), &entry))
	require.Equal(t, entries[1], entry)
	require.Equal(t, cfg.Messaging.Stream, entry["topic"])
	require.Equal(t, "project_events_0", entry["handler"])
	require.Equal(t, "redisstream.Subscriber", entry["subscriber"])
	require.Equal(t, "permanent: decode event: unexpected end of JSON input", entry["reason"])
}

func TestPoisonReplayPutsMessagesBackOnTheStream(t *testing.T) {
	t.Parallel()
	cfg := newConfig(t)
	msgs := poison(t, cfg, []byte("one"), []byte("two"), []byte("three"))

	out, err := runAdmin(t, cfg, "poison", "replay", strconv.FormatInt(msgs[1].offset, 10))
	require.NoError(t, err)
	require.Equal(t, "replayed offset "+strconv.FormatInt(msgs[1].offset, 10)+" (message "+msgs[1].uuid+") to "+cfg.Messaging.Stream+"\n", out)
	require.Equal(t, []string{msgs[1].uuid}, streamUUIDs(t, cfg))

	out, err = runAdmin(t, cfg, "poison", "replay", "-all")
	require.NoError(t, err)
	require.Equal(t, "replayed 2 messages\n", out)
	require.Equal(t, []string{msgs[1].uuid, msgs[0].uuid, msgs[2].uuid}, streamUUIDs(t, cfg))
	require.Empty(t, listJSON(t, cfg))
}

func TestPoisonPurgeDeletesMessages(t *testing.T) {
	t.Parallel()
	cfg := newConfig(t)
	msgs := poison(t, cfg, []byte("one"), []byte("two"), []byte("three"))

	out, err := runAdmin(t, cfg, "poison", "purge", strconv.FormatInt(msgs[0].offset, 10))
	require.NoError(t, err)
	require.Equal(t, "purged offset "+strconv.FormatInt(msgs[0].offset, 10)+"\n", out)
	require.Len(t, listJSON(t, cfg), 2)

	out, err = runAdmin(t, cfg, "poison", "purge", "-all")
	require.NoError(t, err)
	require.Equal(t, "purged 2 messages\n", out)
	require.Empty(t, listJSON(t, cfg))
	require.Empty(t, streamUUIDs(t, cfg), "purged messages are not replayed")
}

// TestPoisonCommandsWithoutTheTableSayToMigrate runs every poison command on a database the migrations
// did not create the poison table of POISON_TOPIC in (a POISON_TOPIC that differs from migrate's): each
// must say so, rather than show an empty queue.
func TestPoisonCommandsWithoutTheTableSayToMigrate(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"poison", "list"}, {"poison", "show", "1"}, {"poison", "replay", "1"}, {"poison", "replay", "-all"},
		{"poison", "purge", "1"}, {"poison", "purge", "-all"},
	} {
		t.Run(strings.ReplaceAll(strings.Join(args[1:], "_"), "-", ""), func(t *testing.T) {
			t.Parallel()
			cfg := admin.Config{DatabaseURL: testenv.DatabaseURL(t), Messaging: testenv.Messaging(t)}
			out, err := runAdmin(t, cfg, args...)
			require.ErrorIs(t, err, messaging.ErrNoPoisonTable)
			require.ErrorContains(t, err, "POISON_TOPIC="+cfg.Messaging.PoisonTopic)
			require.ErrorContains(t, err, "run the migrations")
			require.Empty(t, out)
		})
	}
}

func TestPoisonCommandsOnAQueueThatWasNeverUsed(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		args    []string
		wantOut string
		wantErr error
	}{
		{name: "list", args: []string{"poison", "list"}, wantOut: "the poison queue is empty\n"},
		{name: "list_json", args: []string{"poison", "list", "-json"}, wantOut: ""},
		{name: "replay_all", args: []string{"poison", "replay", "-all"}, wantOut: "replayed 0 messages\n"},
		{name: "purge_all", args: []string{"poison", "purge", "-all"}, wantOut: "purged 0 messages\n"},
		{name: "show", args: []string{"poison", "show", "1"}, wantErr: messaging.ErrNotFound},
		{name: "replay", args: []string{"poison", "replay", "1"}, wantErr: messaging.ErrNotFound},
		{name: "purge", args: []string{"poison", "purge", "1"}, wantErr: messaging.ErrNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, err := runAdmin(t, newConfig(t), tc.args...)
			require.ErrorIs(t, err, tc.wantErr)
			require.Equal(t, tc.wantOut, out)
		})
	}
}
