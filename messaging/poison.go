package messaging

import (
	stdsql "database/sql"
	"fmt"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill-sql/v3/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
)

// NewPostgresPoisonPublisher returns a watermill-sql publisher that keeps poisoned messages in Postgres
// (table watermill_<topic>), so dead letters survive a broker flush and can be queried with SQL. It runs
// no DDL: the table must exist (CreatePoisonTable, run by the migrate command; CheckPoisonTable at
// start-up), so the service's role needs no right to create tables.
func NewPostgresPoisonPublisher(db *stdsql.DB, logger watermill.LoggerAdapter) (message.Publisher, error) {
	pub, err := sql.NewPublisher(db, sql.PublisherConfig{
		SchemaAdapter: PoisonSchema(),
	}, logger)
	if err != nil {
		return nil, fmt.Errorf("poison publisher: %w", err)
	}
	return pub, nil
}

// PoisonSchema returns the schema of the poison table: watermill-sql's Postgres schema with a BYTEA
// payload and a TEXT uuid, so that any message can be kept, even one whose payload is not JSON or whose id
// is longer than a UUID (an entry written by another producer).
func PoisonSchema() PostgresPoisonSchema {
	return PostgresPoisonSchema{sql.DefaultPostgreSQLSchema{GeneratePayloadType: func(string) string { return "BYTEA" }}}
}

// PostgresPoisonSchema is the watermill-sql schema adapter of the poison table; see PoisonSchema.
type PostgresPoisonSchema struct {
	sql.DefaultPostgreSQLSchema
}

// SchemaInitializingQueries creates the default table and widens its uuid column, VARCHAR(36), to TEXT.
func (s PostgresPoisonSchema) SchemaInitializingQueries(topic string) []sql.Query {
	widenUUID := sql.Query{Query: `ALTER TABLE ` + s.MessagesTable(topic) + ` ALTER COLUMN "uuid" TYPE TEXT`}
	return append(s.DefaultPostgreSQLSchema.SchemaInitializingQueries(topic), widenUUID)
}
