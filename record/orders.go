package record

import (
	"context"
	"fmt"
	"strings"
)

// Registered counts, for each of the orders, the devices the record holds
// as registered to it (passed scans that claimed their serial). Orders with
// none are left out.
func (s *Store) Registered(ctx context.Context, orderIDs []string) (map[string]int, error) {
	out := map[string]int{}
	const chunk = 500
	for len(orderIDs) > 0 {
		n := min(chunk, len(orderIDs))
		ids := orderIDs[:n]
		orderIDs = orderIDs[n:]
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		q := `SELECT s.order_id, COUNT(*) FROM claims c JOIN scans s ON s.id = c.record_id
			WHERE s.order_id IN (?` + strings.Repeat(", ?", len(ids)-1) + `) GROUP BY s.order_id`
		rows, err := s.r.QueryContext(ctx, s.d.q(q), args...)
		if err != nil {
			return nil, fmt.Errorf("count the orders' registrations: %w", err)
		}
		for rows.Next() {
			var id string
			var c int
			if err := rows.Scan(&id, &c); err != nil {
				rows.Close()
				return nil, fmt.Errorf("count the orders' registrations: %w", err)
			}
			out[id] = c
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("count the orders' registrations: %w", err)
		}
	}
	return out, nil
}
