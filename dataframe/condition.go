package dataframe

import (
	"cmp"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Condition is a row predicate made of column comparisons, for
// Frame.Where and LazyFrame.Filter. Unlike a Go function it is data, so a
// lazy frame's filter can run in worker processes. Build one with Col and
// combine with And, Or and Not:
//
//	dataframe.And(dataframe.Col("dose").Ge(2), dataframe.Col("site").Eq("north"))
//
// Comparisons follow pandas on missing values: a missing value compares
// false, except under Ne, where it is true. A column is compared with a
// constant of its own kind: Float64 and Int64 columns with numbers,
// String with strings (byte-wise), Bool with bools (Eq and Ne only), Time
// with time.Time values. The zero Condition is invalid.
type Condition struct {
	node condNode
	err  error
}

// condOp is what a condition node tests.
type condOp uint8

const (
	opEq condOp = iota + 1
	opNe
	opLt
	opLe
	opGt
	opGe
	opMissing
	opPresent
	opAnd
	opOr
	opNot
)

var opSymbols = map[condOp]string{opEq: "==", opNe: "!=", opLt: "<", opLe: "<=", opGt: ">", opGe: ">="}

// condNode is a Condition in a form that crosses to worker processes.
type condNode struct {
	Op     condOp
	Column string
	Value  condValue
	Args   []condNode
}

// condValue is a comparison's constant, as the column type it suits
// (Float64 and Int64 for numbers).
type condValue struct {
	Type Type
	F    float64
	I    int64
	S    string
	B    bool
}

// ColumnRef names a column in a Condition; make one with Col.
type ColumnRef struct{ name string }

// Col refers to the named column in a Condition.
func Col(name string) ColumnRef { return ColumnRef{name: name} }

// Eq holds where the column equals v.
func (c ColumnRef) Eq(v any) Condition { return c.compare(opEq, v) }

// Ne holds where the column differs from v or is missing.
func (c ColumnRef) Ne(v any) Condition { return c.compare(opNe, v) }

// Lt holds where the column is less than v.
func (c ColumnRef) Lt(v any) Condition { return c.compare(opLt, v) }

// Le holds where the column is less than or equal to v.
func (c ColumnRef) Le(v any) Condition { return c.compare(opLe, v) }

// Gt holds where the column is greater than v.
func (c ColumnRef) Gt(v any) Condition { return c.compare(opGt, v) }

// Ge holds where the column is greater than or equal to v.
func (c ColumnRef) Ge(v any) Condition { return c.compare(opGe, v) }

// IsMissing holds where the column is missing.
func (c ColumnRef) IsMissing() Condition {
	return Condition{node: condNode{Op: opMissing, Column: c.name}}
}

// IsPresent holds where the column has a value.
func (c ColumnRef) IsPresent() Condition {
	return Condition{node: condNode{Op: opPresent, Column: c.name}}
}

func (c ColumnRef) compare(op condOp, v any) Condition {
	value, err := condValueOf(v)
	if err != nil {
		return Condition{err: fmt.Errorf("dataframe: condition on column %q: %w", c.name, err)}
	}
	return Condition{node: condNode{Op: op, Column: c.name, Value: value}}
}

// And holds where every condition holds (everywhere, for none).
func And(conds ...Condition) Condition { return combine(opAnd, conds) }

// Or holds where any condition holds (nowhere, for none).
func Or(conds ...Condition) Condition { return combine(opOr, conds) }

// Not holds where c does not.
func Not(c Condition) Condition { return combine(opNot, []Condition{c}) }

func combine(op condOp, conds []Condition) Condition {
	node := condNode{Op: op, Args: make([]condNode, len(conds))}
	for i, c := range conds {
		if err := c.Err(); err != nil {
			return Condition{err: err}
		}
		node.Args[i] = c.node
	}
	return Condition{node: node}
}

// Err returns what is wrong with the condition (a constant of an
// unsupported type, a NaN, the zero Condition), or nil. Where and Filter
// report it too.
func (c Condition) Err() error {
	if c.err != nil {
		return c.err
	}
	if c.node.Op == 0 {
		return fmt.Errorf("dataframe: empty condition (build one with Col): %w", ErrArgument)
	}
	return nil
}

// String renders the condition in Go-like syntax, such as
// `(dose >= 2 && site == "north")`.
func (c Condition) String() string {
	if c.Err() != nil {
		return "invalid condition"
	}
	return c.node.String()
}

// String renders the node as Condition.String does.
func (n condNode) String() string {
	switch n.Op {
	case opMissing:
		return n.Column + " is missing"
	case opPresent:
		return n.Column + " is present"
	case opNot:
		return "!(" + n.Args[0].String() + ")"
	case opAnd, opOr:
		if len(n.Args) == 0 {
			return map[condOp]string{opAnd: "true", opOr: "false"}[n.Op]
		}
		parts := make([]string, len(n.Args))
		for i, a := range n.Args {
			parts[i] = a.String()
		}
		sep := map[condOp]string{opAnd: " && ", opOr: " || "}[n.Op]
		return "(" + strings.Join(parts, sep) + ")"
	}
	return n.Column + " " + opSymbols[n.Op] + " " + n.Value.String()
}

// String renders the constant as Go source would.
func (v condValue) String() string {
	switch v.Type {
	case Float64:
		return strconv.FormatFloat(v.F, 'g', -1, 64)
	case Int64:
		return strconv.FormatInt(v.I, 10)
	case String:
		return strconv.Quote(v.S)
	case Bool:
		return strconv.FormatBool(v.B)
	case Time:
		return time.Unix(0, v.I).UTC().Format(time.RFC3339Nano)
	}
	return "?"
}

// condValueOf converts a comparison's constant.
func condValueOf(v any) (condValue, error) {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) {
			return condValue{}, fmt.Errorf("comparison with NaN (use IsMissing): %w", ErrArgument)
		}
		return condValue{Type: Float64, F: x}, nil
	case float32:
		return condValueOf(float64(x))
	case int:
		return condValue{Type: Int64, I: int64(x)}, nil
	case int8:
		return condValue{Type: Int64, I: int64(x)}, nil
	case int16:
		return condValue{Type: Int64, I: int64(x)}, nil
	case int32:
		return condValue{Type: Int64, I: int64(x)}, nil
	case int64:
		return condValue{Type: Int64, I: x}, nil
	case uint8:
		return condValue{Type: Int64, I: int64(x)}, nil
	case uint16:
		return condValue{Type: Int64, I: int64(x)}, nil
	case uint32:
		return condValue{Type: Int64, I: int64(x)}, nil
	case uint:
		return condValueOf(uint64(x))
	case uint64:
		if x > math.MaxInt64 {
			return condValue{}, fmt.Errorf("comparison with %d, beyond int64: %w", x, ErrArgument)
		}
		return condValue{Type: Int64, I: int64(x)}, nil
	case string:
		return condValue{Type: String, S: x}, nil
	case bool:
		return condValue{Type: Bool, B: x}, nil
	case time.Time:
		ns, ok := timeToNanos(x)
		if !ok || x.IsZero() {
			return condValue{}, fmt.Errorf("comparison with time %s outside the int64-nanosecond range: %w", x, ErrArgument)
		}
		return condValue{Type: Time, I: ns}, nil
	}
	return condValue{}, fmt.Errorf("comparison with a %T (want a number, string, bool or time.Time): %w", v, ErrArgument)
}

// Where returns a view of the rows where c holds. An unknown column is an
// error wrapping ErrUnknownColumn, a constant that does not suit its
// column's type one wrapping ErrColumnType.
func (f *Frame) Where(c Condition) (*Frame, error) {
	if err := c.Err(); err != nil {
		return nil, err
	}
	mask, err := c.node.eval(f)
	if err != nil {
		return nil, fmt.Errorf("dataframe: Where %s: %w", c, err)
	}
	return f.Filter(mask)
}

// eval returns the rows of f where the node holds.
func (n condNode) eval(f *Frame) ([]bool, error) {
	rows := f.NumRows()
	switch n.Op {
	case opAnd, opOr:
		out := make([]bool, rows)
		if n.Op == opAnd {
			for i := range out {
				out[i] = true
			}
		}
		for _, a := range n.Args {
			m, err := a.eval(f)
			if err != nil {
				return nil, err
			}
			for i := range out {
				if n.Op == opAnd {
					out[i] = out[i] && m[i]
				} else {
					out[i] = out[i] || m[i]
				}
			}
		}
		return out, nil
	case opNot:
		if len(n.Args) != 1 {
			return nil, fmt.Errorf("negation of %d conditions: %w", len(n.Args), ErrArgument)
		}
		m, err := n.Args[0].eval(f)
		if err != nil {
			return nil, err
		}
		for i := range m {
			m[i] = !m[i]
		}
		return m, nil
	}
	c, err := f.lookup(n.Column)
	if err != nil {
		return nil, err
	}
	out := make([]bool, rows)
	switch n.Op {
	case opMissing, opPresent:
		for i := range out {
			out[i] = c.valid.IsValid(f.baseRow(i)) == (n.Op == opPresent)
		}
		return out, nil
	case opEq, opNe, opLt, opLe, opGt, opGe:
	default:
		return nil, fmt.Errorf("unknown condition operator %d: %w", n.Op, ErrArgument)
	}
	v := n.Value
	switch {
	case c.typ == Time && v.Type == Time:
		compareRows(f, c.nanos(), c.valid, v.I, n.Op, out)
	case c.typ == Float64 && v.Type == Float64:
		compareRows(f, c.floats(), c.valid, v.F, n.Op, out)
	case c.typ == Float64 && v.Type == Int64:
		compareRows(f, c.floats(), c.valid, float64(v.I), n.Op, out)
	case c.typ == Int64 && v.Type == Int64:
		compareRows(f, c.int64s(), c.valid, v.I, n.Op, out)
	case c.typ == Int64 && v.Type == Float64:
		values := c.int64s()
		for i := range out {
			r := f.baseRow(i)
			out[i] = holds(n.Op, c.valid.IsValid(r), cmp.Compare(float64(values[r]), v.F))
		}
	case c.typ == String && v.Type == String:
		compareRows(f, c.strings(), c.valid, v.S, n.Op, out)
	case c.typ == Bool && v.Type == Bool && (n.Op == opEq || n.Op == opNe):
		values := c.bools()
		for i := range out {
			r := f.baseRow(i)
			same := 1
			if values[r] == v.B {
				same = 0
			}
			out[i] = holds(n.Op, c.valid.IsValid(r), same)
		}
	default:
		want := map[Type][]Type{Float64: {Float64, Int64}, Int64: {Float64, Int64}, String: {String}, Bool: {Bool}, Time: {Time}}[v.Type]
		op := "compare with " + v.Type.String() + " " + opSymbols[n.Op]
		return nil, columnType(op, c.name, c.typ, want...)
	}
	return out, nil
}

// compareRows sets out[i] to whether row i's value compares to x as op
// says.
func compareRows[T cmp.Ordered](f *Frame, values []T, valid Bitmap, x T, op condOp, out []bool) {
	if f.rows == nil && valid == nil {
		for i, v := range values[:len(out)] {
			out[i] = holds(op, true, cmp.Compare(v, x))
		}
		return
	}
	for i := range out {
		r := f.baseRow(i)
		out[i] = holds(op, valid.IsValid(r), cmp.Compare(values[r], x))
	}
}

// holds applies op to a comparison's outcome (cmp.Compare's sign); a
// missing value satisfies only Ne.
func holds(op condOp, present bool, sign int) bool {
	if !present {
		return op == opNe
	}
	switch op {
	case opEq:
		return sign == 0
	case opNe:
		return sign != 0
	case opLt:
		return sign < 0
	case opLe:
		return sign <= 0
	case opGt:
		return sign > 0
	case opGe:
		return sign >= 0
	}
	return false
}
