package station

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Order is one line of a pre-registration manifest: Quantity devices of
// ASIN bought by the customer whose Amazon account is CustomerID.
type Order struct {
	ID         string `json:"order_id"`
	ASIN       string `json:"asin"`
	Quantity   int    `json:"quantity"`
	CustomerID string `json:"directed_customer_id"` // DRS directedCustomerId
}

// ManifestError is a problem at a place in a manifest file.
type ManifestError struct {
	File   string
	Line   int
	Column int // 0 when unknown
	Err    error
}

func (e *ManifestError) Error() string {
	if e.Column > 0 {
		return fmt.Sprintf("%s:%d:%d: %v", e.File, e.Line, e.Column, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

func (e *ManifestError) Unwrap() error { return e.Err }

// maxManifest bounds a manifest file: a day's orders for a bench are
// thousands of lines, not gigabytes.
const maxManifest = 64 << 20

// ReadManifest reads the orders of a manifest: a JSON array of orders (or
// an object with an "orders" array), or CSV with a header naming the
// columns order_id, asin, quantity and directed_customer_id (any letter
// case, in any order). Every order is checked: a missing field, a quantity
// that is not a positive number, or an order id given twice is an error at
// its line.
func ReadManifest(file string, r io.Reader) ([]Order, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxManifest+1))
	if err != nil {
		return nil, &ManifestError{File: file, Line: 1, Err: err}
	}
	if len(data) > maxManifest {
		return nil, &ManifestError{File: file, Line: 1, Err: fmt.Errorf("manifest over %d bytes", maxManifest)}
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	trimmed := bytes.TrimSpace(data)
	var orders []Order
	var lines []int
	if len(trimmed) > 0 && (trimmed[0] == '[' || trimmed[0] == '{') {
		orders, lines, err = readJSONManifest(file, data)
	} else {
		orders, lines, err = readCSVManifest(file, data)
	}
	if err != nil {
		return nil, err
	}
	seen := map[string]int{}
	for i, o := range orders {
		where := &ManifestError{File: file, Line: lines[i]}
		switch {
		case o.ID == "":
			where.Err = errors.New("order without an order_id")
		case o.ASIN == "":
			where.Err = fmt.Errorf("order %s: no asin", o.ID)
		case o.CustomerID == "":
			where.Err = fmt.Errorf("order %s: no directed_customer_id", o.ID)
		case o.Quantity <= 0:
			where.Err = fmt.Errorf("order %s: quantity %d: want a positive number", o.ID, o.Quantity)
		case seen[o.ID] > 0:
			where.Err = fmt.Errorf("order %s given twice (first at line %d)", o.ID, seen[o.ID])
		}
		if where.Err != nil {
			return nil, where
		}
		seen[o.ID] = lines[i]
	}
	return orders, nil
}

func readJSONManifest(file string, data []byte) ([]Order, []int, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	lineAt := func(off int64) int { return 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n")) }
	// base is where the value being decoded starts: a type error's offset
	// counts from there.
	var base int64
	fail := func(err error) error {
		off := dec.InputOffset()
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			off = se.Offset
		case errors.As(err, &te):
			off = base + te.Offset
		}
		return &ManifestError{File: file, Line: lineAt(off), Err: err}
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, fail(err)
	}
	if tok == json.Delim('{') {
		// {"orders": [...]}
		key, err := dec.Token()
		if err != nil {
			return nil, nil, fail(err)
		}
		if key != "orders" {
			return nil, nil, fail(fmt.Errorf("unknown key %v: want \"orders\"", key))
		}
		if tok, err = dec.Token(); err != nil {
			return nil, nil, fail(err)
		}
	}
	if tok != json.Delim('[') {
		return nil, nil, fail(errors.New("want an array of orders"))
	}
	var orders []Order
	var lines []int
	for dec.More() {
		base = dec.InputOffset()
		start := lineAt(base + 1)
		var o Order
		if err := dec.Decode(&o); err != nil {
			return nil, nil, fail(err)
		}
		orders = append(orders, o)
		lines = append(lines, start)
	}
	return orders, lines, nil
}

func readCSVManifest(file string, data []byte) ([]Order, []int, error) {
	cr := csv.NewReader(bufio.NewReader(bytes.NewReader(data)))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, csvManifestError(file, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, need := range []string{"order_id", "asin", "quantity", "directed_customer_id"} {
		if _, ok := col[need]; !ok {
			return nil, nil, &ManifestError{File: file, Line: 1, Err: fmt.Errorf("no %q column in the header", need)}
		}
	}
	var orders []Order
	var lines []int
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return orders, lines, nil
		}
		if err != nil {
			return nil, nil, csvManifestError(file, err)
		}
		line, _ := cr.FieldPos(0)
		field := func(name string) string {
			if i := col[name]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		q, err := strconv.Atoi(field("quantity"))
		if err != nil {
			return nil, nil, &ManifestError{File: file, Line: line, Err: fmt.Errorf("quantity %q: want a whole number", field("quantity"))}
		}
		orders = append(orders, Order{ID: field("order_id"), ASIN: field("asin"), Quantity: q, CustomerID: field("directed_customer_id")})
		lines = append(lines, line)
	}
}

func csvManifestError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ManifestError{File: file, Line: pe.Line, Column: pe.Column, Err: pe.Err}
	}
	return &ManifestError{File: file, Line: 1, Err: err}
}
