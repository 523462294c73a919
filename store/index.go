package store

import (
	"strconv"
	"strings"
	"time"

	"github.com/authplay/authplay/flows"
)

// The list index: one compact line a session.

// Summary is what the session list shows, kept apart (and compact: a
// tab-separated line, not JSON) so listing 10,000 sessions reads little.
type Summary struct {
	ID      string       `json:"id"`
	Profile string       `json:"profile"`
	Method  flows.Method `json:"method"`
	Phase   flows.Phase  `json:"phase"`
	Created time.Time    `json:"created"`
	Updated time.Time    `json:"updated"`
	Expiry  time.Time    `json:"expiry,omitzero"`
	Steps   int          `json:"steps"`
}

func (s Summary) encode() []byte {
	return []byte(strings.Join([]string{
		s.ID, strings.ReplaceAll(s.Profile, "\t", " "), string(s.Method), string(s.Phase), strconv.FormatInt(s.Created.UnixNano(), 10),
		strconv.FormatInt(s.Updated.UnixNano(), 10), strconv.FormatInt(unixNanoOrZero(s.Expiry), 10), strconv.Itoa(s.Steps),
	}, "\t"))
}

func unixNanoOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func decodeSummary(b []byte) (Summary, bool) {
	f := strings.Split(string(b), "\t")
	if len(f) != 8 {
		return Summary{}, false
	}
	var n [4]int64
	for i, v := range []string{f[4], f[5], f[6], f[7]} {
		x, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return Summary{}, false
		}
		n[i] = x
	}
	s := Summary{ID: f[0], Profile: f[1], Method: flows.Method(f[2]), Phase: flows.Phase(f[3]),
		Created: time.Unix(0, n[0]), Updated: time.Unix(0, n[1]), Steps: int(n[3])}
	if n[2] != 0 {
		s.Expiry = time.Unix(0, n[2])
	}
	return s, true
}

func (s Session) summary() Summary {
	sum := Summary{ID: s.ID, Profile: s.Profile, Method: s.Method, Phase: s.State.Phase, Created: s.Created, Updated: s.Updated, Steps: len(s.Steps)}
	if s.State.Token != nil {
		sum.Expiry = s.State.Token.Expiry
	}
	return sum
}
