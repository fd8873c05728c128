package graph

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Resources are named amounts: what a worker has (gpu=1, mem=64e9) or what one call of a
// function needs while it runs. Names are the user's own; lazygraph only compares amounts. A
// task needing resources runs only where every one of them is free in the amount it needs, and
// holds them while it runs.
type Resources map[string]float64

// ErrResources is matched by the error for a malformed resource description.
var ErrResources = errors.New("invalid resources")

// maxResourceName bounds a resource's name.
const maxResourceName = 256

// Validate checks that every name is a short word (letters, digits, '_', '-', '.', ':') and every
// amount finite and positive.
func (r Resources) Validate() error {
	for _, name := range slices.Sorted(mapsKeys(r)) {
		if err := validResourceName(name); err != nil {
			return err
		}
		if v := r[name]; math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
			return fmt.Errorf("%w: %s=%v: the amount must be finite and above 0", ErrResources, name, v)
		}
	}
	return nil
}

func validResourceName(name string) error {
	if name == "" || len(name) > maxResourceName {
		return fmt.Errorf("%w: a resource name of %d bytes (1 to %d)", ErrResources, len(name), maxResourceName)
	}
	for _, ch := range name {
		ok := ch == '_' || ch == '-' || ch == '.' || ch == ':' ||
			(ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
		if !ok {
			return fmt.Errorf("%w: resource name %q: use letters, digits, '_', '-', '.' or ':'", ErrResources, name)
		}
	}
	return nil
}

func mapsKeys(r Resources) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range r {
			if !yield(k) {
				return
			}
		}
	}
}

// ParseResources reads "gpu=1,mem=64e9" (spaces around items allowed; an empty string is no
// resources). A name given twice, a missing '=', or an amount that is not a positive number is
// an error naming the item.
func ParseResources(s string) (Resources, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	r := Resources{}
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		name, amount, ok := strings.Cut(item, "=")
		name, amount = strings.TrimSpace(name), strings.TrimSpace(amount)
		if !ok {
			return nil, fmt.Errorf("%w: %q: want name=amount, as in gpu=1,mem=64e9", ErrResources, item)
		}
		v, err := strconv.ParseFloat(amount, 64)
		if err != nil {
			return nil, fmt.Errorf("%w: %q: the amount is not a number", ErrResources, item)
		}
		if _, dup := r[name]; dup {
			return nil, fmt.Errorf("%w: %q is given twice", ErrResources, name)
		}
		r[name] = v
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return r, nil
}

// String returns the resources as ParseResources reads them, names sorted.
func (r Resources) String() string {
	var b strings.Builder
	for k, name := range slices.Sorted(mapsKeys(r)) {
		if k > 0 {
			b.WriteByte(',')
		}
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(strconv.FormatFloat(r[name], 'g', -1, 64))
	}
	return b.String()
}

// Lacks returns the first resource (by name) of need that have does not hold in the amount
// needed, formatted "name=amount", or "" when have covers need.
func (have Resources) Lacks(need Resources) string {
	missing := ""
	for name, v := range need {
		// A relative slack absorbs rounding from amounts taken and given back many times.
		if have[name] < v-1e-9*max(1, math.Abs(v)) && (missing == "" || name < missing) {
			missing = name
		}
	}
	if missing == "" {
		return ""
	}
	return missing + "=" + strconv.FormatFloat(need[missing], 'g', -1, 64)
}

// Clone returns a copy (nil for none).
func (r Resources) Clone() Resources {
	if len(r) == 0 {
		return nil
	}
	out := make(Resources, len(r))
	for k, v := range r {
		out[k] = v
	}
	return out
}

// ShareResources splits a machine's resources among n workers, as the local cluster schedulers
// do: every whole unit goes to one worker, dealt in turn (gpu=2 over 4 workers: workers 0 and 1
// get gpu=1, the others none), and amounts larger than n split evenly (mem=64e9 over 4: 16e9
// each). It returns worker k's share, nil when it gets nothing.
func ShareResources(r Resources, k, n int) Resources {
	if n <= 0 || len(r) == 0 {
		return nil
	}
	var out Resources
	for name, v := range r {
		base := math.Floor(v / float64(n))
		rem := v - base*float64(n)
		share := base + min(max(rem-float64(k), 0), 1)
		if share > 0 {
			if out == nil {
				out = Resources{}
			}
			out[name] = share
		}
	}
	return out
}
