package messaging

import (
	stdsql "database/sql"
	"fmt"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill-sql/v3/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
)

// NewPostgresPoisonPublisher returns a watermill-sql publisher that keeps poisoned messages in Postgres
// (table watermill_<topic>), so dead letters survive a broker flush and can be queried with SQL.
func NewPostgresPoisonPublisher(db *stdsql.DB, logger watermill.LoggerAdapter) (message.Publisher, error) {
	pub, err := sql.NewPublisher(db, sql.PublisherConfig{
		SchemaAdapter:        PoisonSchema(),
		AutoInitializeSchema: true,
	}, logger)
	if err != nil {
		return nil, fmt.Errorf("poison publisher: %w", err)
	}
	return pub, nil
}

// PoisonSchema is watermill-sql's Postgres schema with a BYTEA payload, so that any payload, even one that
// is not JSON, can be kept.
func PoisonSchema() sql.DefaultPostgreSQLSchema {
	return sql.DefaultPostgreSQLSchema{GeneratePayloadType: func(string) string { return "BYTEA" }}
}
