package spacetest

import (
	"container/list"
	"time"
)

// boundedMap holds short-lived entries that anyone can create with one
// request (pending authorizations, sign-in sessions, codes, device codes).
// Each entry is dropped ttl after it was put, and when more than max are
// held the oldest goes first, so no pattern of requests grows memory
// without bound. Expired entries are swept whenever one is put and skipped
// whenever one is looked up; there is no background goroutine to stop.
//
// It does no locking of its own: the Server's mutex guards it.
type boundedMap[V any] struct {
	max   int
	ttl   time.Duration
	now   func() time.Time
	byKey map[string]*list.Element
	order *list.List // of *boundedEntry[V], oldest first
}

type boundedEntry[V any] struct {
	key     string
	value   V
	expires time.Time
}

func newBoundedMap[V any](maxEntries int, ttl time.Duration, now func() time.Time) *boundedMap[V] {
	return &boundedMap[V]{max: max(maxEntries, 1), ttl: ttl, now: now, byKey: map[string]*list.Element{}, order: list.New()}
}

// put adds or replaces key; a replaced entry starts a new lifetime.
func (m *boundedMap[V]) put(key string, v V) {
	m.delete(key)
	now := m.now()
	m.sweep(now)
	for m.order.Len() >= m.max {
		m.remove(m.order.Front())
	}
	m.byKey[key] = m.order.PushBack(&boundedEntry[V]{key: key, value: v, expires: now.Add(m.ttl)})
}

// get returns the entry under key unless it is missing or has expired.
func (m *boundedMap[V]) get(key string) (V, bool) {
	el := m.byKey[key]
	if el == nil {
		var zero V
		return zero, false
	}
	e := el.Value.(*boundedEntry[V])
	if !m.now().Before(e.expires) {
		m.remove(el)
		var zero V
		return zero, false
	}
	return e.value, true
}

func (m *boundedMap[V]) delete(key string) {
	if el := m.byKey[key]; el != nil {
		m.remove(el)
	}
}

// each calls fn for every live entry, oldest first, until fn returns false.
func (m *boundedMap[V]) each(fn func(key string, v V) bool) {
	now := m.now()
	for el := m.order.Front(); el != nil; el = el.Next() {
		e := el.Value.(*boundedEntry[V])
		if now.Before(e.expires) && !fn(e.key, e.value) {
			return
		}
	}
}

// len counts the entries held, expired or not, which is what memory pays for.
func (m *boundedMap[V]) len() int { return m.order.Len() }

// sweep drops expired entries from the front. Entries are in insertion
// order and share one ttl, so the first live one ends the sweep (a clock
// that steps back only delays a sweep, it never drops a live entry).
func (m *boundedMap[V]) sweep(now time.Time) {
	for el := m.order.Front(); el != nil; el = m.order.Front() {
		if now.Before(el.Value.(*boundedEntry[V]).expires) {
			return
		}
		m.remove(el)
	}
}

func (m *boundedMap[V]) remove(el *list.Element) {
	delete(m.byKey, el.Value.(*boundedEntry[V]).key)
	m.order.Remove(el)
}
