package station

import (
	"fmt"
	"strings"
	"time"

	"github.com/serialgate/serialgate"
	"github.com/serialgate/serialgate/payload"
	"github.com/serialgate/serialgate/validate"
)

// Workflow names what a station does with a box's serial.
type Workflow string

// The workflows.
const (
	// Verify checks each box against the line's current model: a
	// manufacturer's packaging line.
	Verify Workflow = "verify"
	// Prereg pre-registers each device of an order to its buyer: the
	// fulfillment side. Each valid serial becomes a registration and a
	// DeviceRegisteredNotification to its manufacturer.
	Prereg Workflow = "prereg"
)

// Kind says what a scan was to the workflow.
type Kind int

// The kinds of decision.
const (
	KindSerial Kind = iota // a box's serial: the decision has a verdict to record
	KindModel              // the line's model was set (a model number, ASIN or GTIN scanned)
	KindOrder              // an order was selected (its id scanned)
)

// Decision is what the workflow makes of one scan, before it is recorded.
type Decision struct {
	Kind    Kind
	Verdict serialgate.Verdict
	// Model is the model the serial was checked for (nil when none applies).
	Model *validate.Model
	// Order is the order a pre-registration scan belongs to.
	Order *Order
	// Registration is set on a valid serial of the Prereg workflow.
	Registration *serialgate.Registration
	// Next tells the operator what to do now, in plain words.
	Next string
	// Barcode is, for a picture of a label, the index of the barcode the
	// decision is about (the serial, model or order picked among them);
	// -1 when none was.
	Barcode int
}

// Line is a station's workflow state: the current model or order and each
// order's progress. It is not safe for concurrent use: the station's scan
// loop owns it.
type Line struct {
	Workflow Workflow
	Rules    *validate.Set
	// Manufacturer names each model's manufacturer and LWA client id, for
	// registrations.
	Manufacturer func(m *validate.Model) (name, lwaClientID string)
	// Registered, when set, tells how many devices of each order the
	// record already holds, so that an order resumed after a restart, or
	// scanned on another station sharing the store, is not filled twice.
	Registered func(orderIDs []string) (map[string]int, error)
	Now        func() time.Time

	model    *validate.Model
	orders   map[string]*orderState
	order    *orderState
	gtins    map[string]*validate.Model
	setModel bool // the model may be switched by scanning it
}

type orderState struct {
	Order
	scanned int
}

// NewLine starts a line. For Verify, model is the line's model (nil: the
// operator scans or picks it first); for Prereg, orders is the manifest.
func NewLine(w Workflow, rules *validate.Set, model *validate.Model, orders []Order) (*Line, error) {
	if w != Verify && w != Prereg {
		return nil, fmt.Errorf("unknown workflow %q (want verify or prereg)", w)
	}
	l := &Line{Workflow: w, Rules: rules, model: model, orders: map[string]*orderState{}, setModel: true, Now: time.Now}
	if err := l.AddOrders(orders); err != nil {
		return nil, err
	}
	return l, nil
}

// AddOrders adds a manifest's orders; an order already known keeps its
// progress, and one for an ASIN the rules do not have is an error.
func (l *Line) AddOrders(orders []Order) error {
	for _, o := range orders {
		if l.Rules.ByASIN(o.ASIN) == nil {
			return fmt.Errorf("order %s: ASIN %s is not in the rules", o.ID, o.ASIN)
		}
	}
	var done map[string]int
	if l.Registered != nil {
		ids := make([]string, 0, len(orders))
		for _, o := range orders {
			if _, ok := l.orders[o.ID]; !ok {
				ids = append(ids, o.ID)
			}
		}
		if len(ids) > 0 {
			var err error
			if done, err = l.Registered(ids); err != nil {
				return fmt.Errorf("read the orders' progress: %w", err)
			}
		}
	}
	for _, o := range orders {
		if st, ok := l.orders[o.ID]; ok {
			st.Order = o
			continue
		}
		l.orders[o.ID] = &orderState{Order: o, scanned: done[o.ID]}
	}
	return nil
}

// Model is the line's current model, or nil.
func (l *Line) Model() *validate.Model { return l.model }

// SetModel sets the line's model (the operator's choice).
func (l *Line) SetModel(m *validate.Model) { l.model = m }

// Progress is an order's state: devices scanned of those expected.
type Progress struct {
	Order
	Scanned int
}

// CurrentOrder is the order being scanned, if any.
func (l *Line) CurrentOrder() (Progress, bool) {
	if l.order == nil {
		return Progress{}, false
	}
	return Progress{l.order.Order, l.order.scanned}, true
}

// Orders lists every order's progress.
func (l *Line) Orders() []Progress {
	out := make([]Progress, 0, len(l.orders))
	for _, o := range l.orders {
		out = append(out, Progress{o.Order, o.scanned})
	}
	return out
}

// Decide makes a decision on one scanned barcode. Nothing changes until the
// decision is committed, after the verdict was recorded.
func (l *Line) Decide(b serialgate.Barcode) Decision {
	text := plain(b.Text)
	switch l.Workflow {
	case Prereg:
		if o, ok := l.orders[strings.TrimSpace(text)]; ok {
			return Decision{Kind: KindOrder, Order: &o.Order,
				Next: fmt.Sprintf("scan the %d device(s) of order %s", o.Quantity-o.scanned, o.ID)}
		}
		if l.order == nil {
			return noOrder(b.Text)
		}
		m := l.Rules.ByASIN(l.order.ASIN)
		return l.forOrder(l.serial(b, m), m)
	}
	// Verify: a model number, ASIN or GTIN switches the line's model.
	if m := l.modelFor(text, b); m != nil {
		return Decision{Kind: KindModel, Model: m, Next: fmt.Sprintf("scan the boxes of %s", m.Model.Model)}
	}
	if l.model == nil {
		return l.noModel(b.Text)
	}
	return l.serial(b, l.model)
}

// noOrder is the decision on a serial scanned before any order.
func noOrder(serial string) Decision {
	v := serialgate.Verdict{Serial: serial, Reason: serialgate.ReasonNoOrder, Message: "no order selected: scan the order's barcode first"}
	return Decision{Kind: KindSerial, Verdict: v, Next: "scan the order's barcode, then its devices", Barcode: -1}
}

// noModel is the decision on a serial scanned on a verify line with no
// model set.
func (l *Line) noModel(serial string) Decision {
	v := serialgate.Verdict{Serial: serial, Reason: serialgate.ReasonUnknownModel, Message: "no model set for the line: scan the product's model, ASIN or GTIN first"}
	return Decision{Kind: KindSerial, Verdict: v, Next: "scan the product's model, ASIN or GTIN barcode", Barcode: -1}
}

// forOrder completes the decision on a serial of the current order: an
// over-scan is refused, a valid serial becomes a registration.
func (l *Line) forOrder(d Decision, m *validate.Model) Decision {
	d.Order = &l.order.Order
	if d.Verdict.OK && l.order.scanned >= l.order.Quantity {
		d.Verdict.OK = false
		d.Verdict.Reason = serialgate.ReasonOverScanned
		d.Verdict.Message = fmt.Sprintf("over-scanned: order %s holds %d device(s), all scanned", l.order.ID, l.order.Quantity)
		d.Next = "put this box aside: the order is complete"
		return d
	}
	if d.Verdict.OK {
		name, client := "", ""
		if l.Manufacturer != nil {
			name, client = l.Manufacturer(m)
		}
		d.Registration = &serialgate.Registration{Serial: d.Verdict.Serial, Model: m.Model.Model, ASIN: l.order.ASIN,
			OrderID: l.order.ID, CustomerID: l.order.CustomerID, Manufacturer: name, LWAClientID: client, Time: l.Now().UTC()}
		if left := l.order.Quantity - l.order.scanned - 1; left > 0 {
			d.Next = fmt.Sprintf("scan the next device: %d left in order %s", left, l.order.ID)
		} else {
			d.Next = fmt.Sprintf("order %s complete: scan the next order", l.order.ID)
		}
	}
	return d
}

// modelFor finds the model a scanned code names: its model number, an ASIN
// it ships, or (for an EAN/UPC) a GTIN the rules list for it.
func (l *Line) modelFor(text string, b serialgate.Barcode) *validate.Model {
	if m := l.Rules.ByModel(text); m != nil {
		return m
	}
	if m := l.Rules.ByASIN(text); m != nil {
		return m
	}
	return nil
}

// serial checks a box's barcode for model m: the serial is taken from where
// the model's rule says and checked.
func (l *Line) serial(b serialgate.Barcode, m *validate.Model) Decision {
	v := l.Rules.CheckLabel([]serialgate.Barcode{b}, m)
	if !v.OK && v.Reason == serialgate.ReasonNoSerial {
		// One barcode, no serial in it for the model: say why in the
		// serial's own terms.
		aim, _, _ := payload.SplitAIM(b.AIM)
		if serial, ok, _ := m.Source.Extract(b.Text, aim); ok {
			v = l.Rules.Check(m, serial)
		} else {
			v.Serial = b.Text
		}
	}
	return Decision{Kind: KindSerial, Verdict: v, Model: m, Next: next(v)}
}

// next tells the operator what to do with a box after its verdict.
func next(v serialgate.Verdict) string {
	switch {
	case v.OK:
		return "ship the box"
	case v.Reason == serialgate.ReasonWrongModel:
		return "pull the box: it is another model"
	case v.Reason == serialgate.ReasonAmbiguous:
		return "pull the box: its label carries more than one serial"
	case v.Reason == serialgate.ReasonNoBarcode:
		return "turn the box so its label faces the camera, or scan the serial by hand"
	}
	return "pull the box and check its label"
}

// DecideLabel makes a decision on a picture of a label from every barcode
// read off it. On a prereg line an order's barcode among them selects the
// order, as it would scanned alone; otherwise the serial is picked among
// the barcodes for the line's model (or the order's), so that the label's
// other barcodes (product GTIN, model number, URL) are not judged as
// serials. A model number on a box label does not switch the line's model:
// a box of another model is a wrong-model verdict.
func (l *Line) DecideLabel(codes []serialgate.Barcode) Decision {
	if len(codes) == 0 {
		v := serialgate.Verdict{Reason: serialgate.ReasonNoBarcode, Message: "no barcode read in the picture"}
		return Decision{Kind: KindSerial, Verdict: v, Model: l.model, Next: next(v), Barcode: -1}
	}
	if l.Workflow == Prereg {
		for i, c := range codes {
			if o, ok := l.orders[strings.TrimSpace(plain(c.Text))]; ok {
				return Decision{Kind: KindOrder, Order: &o.Order, Barcode: i,
					Next: fmt.Sprintf("scan the %d device(s) of order %s", o.Quantity-o.scanned, o.ID)}
			}
		}
		if l.order == nil {
			return noOrder("")
		}
		m := l.Rules.ByASIN(l.order.ASIN)
		return l.forOrder(l.label(codes, m), m)
	}
	if l.model == nil {
		for i, c := range codes {
			if m := l.modelFor(plain(c.Text), c); m != nil {
				return Decision{Kind: KindModel, Model: m, Barcode: i, Next: fmt.Sprintf("scan the boxes of %s", m.Model.Model)}
			}
		}
		return l.noModel("")
	}
	return l.label(codes, l.model)
}

// label picks and checks the serial among a label's barcodes for model m;
// a label whose only serial is another model's is the wrong model.
func (l *Line) label(codes []serialgate.Barcode, m *validate.Model) Decision {
	p := l.Rules.Pick(codes, m)
	v, at := p.Verdict, p.Barcode
	if !p.OK() && v.Reason == serialgate.ReasonNoSerial {
		if other := l.Rules.Pick(codes, nil); other.OK() {
			v, at = l.Rules.Check(m, other.Serial), other.Barcode
		} else {
			// One barcode that is nothing else a label carries (no GTIN,
			// model number, URL or GS1 data) is the serial, and the
			// operator is told what is wrong with it.
			var unknown []int
			for _, o := range p.Others {
				if o.Role == "other" {
					unknown = append(unknown, o.Barcode)
				}
			}
			if len(unknown) == 1 {
				d := l.serial(codes[unknown[0]], m)
				d.Barcode = unknown[0]
				return d
			}
		}
	}
	return Decision{Kind: KindSerial, Verdict: v, Model: m, Next: next(v), Barcode: at}
}

// plain is a barcode's text without an AIM identifier in front.
func plain(text string) string {
	if _, rest, ok := payload.SplitAIM(text); ok {
		return rest
	}
	return text
}

// Commit applies a decision once its verdict is durable (or at once for a
// model or order scan): the model or order switches, and an accepted
// device counts toward its order.
func (l *Line) Commit(d Decision) {
	switch d.Kind {
	case KindModel:
		l.model = d.Model
	case KindOrder:
		l.order = l.orders[d.Order.ID]
	case KindSerial:
		if d.Registration != nil && l.order != nil {
			l.order.scanned++
		}
	}
}
