// Package storetest damages session databases on purpose, for the tests
// that prove authplay survives it (the store's own, and the front doors').
// It writes random bytes over bbolt's data pages and never over the two
// meta pages: those carry a checksum, so bbolt refuses them cleanly.
package storetest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/authplay/authplay/flows"
	"github.com/authplay/authplay/store"
)

// DamagedStateDir fills a store in dir with n sessions, made through the
// store as authplay makes them, then applies d to its database. It returns
// the database's path.
func DamagedStateDir(dir string, n int, d Damage) (string, error) {
	st, err := store.Open(dir)
	if err != nil {
		return "", err
	}
	for i := range n {
		st0 := flows.Start(flows.ClientCredentials, flows.Params{ClientID: "before-the-damage", Scope: "**"})
		if _, err := st.Create(fmt.Sprintf("old-%d", i%5), st0); err != nil {
			return "", err
		}
	}
	db := filepath.Join(dir, "sessions.db")
	_, err = d.Apply(db)
	return db, err
}

// Damage says which pages of a database to overwrite, and how.
type Damage struct {
	Seed uint64 // the same seed, the same pages and bytes
	// Pages is how many data pages to overwrite, chosen at random; 0 means
	// every one in use.
	Pages int
	// KeepHeaders leaves each page's 16-byte header (id, kind, count,
	// overflow), so that bbolt trusts the page and follows the garbage in
	// its body: offsets and child page numbers that point past the file.
	KeepHeaders bool
	// SpareRoot leaves the page that lists the buckets and the freelist
	// page alone: opening the database then works, and the damage is met
	// later, inside a bucket.
	SpareRoot bool
}

// meta is what this package reads from bbolt's meta pages: after the
// 16-byte page header come magic, version, page size and flags (uint32
// each), the root bucket (its page, its sequence), the freelist page, the
// number of pages in use and the transaction id (uint64 each), all in the
// machine's byte order.
type meta struct {
	pageSize                uint32
	root, freelist, inUse   uint64
	txid                    uint64
	magicOK, versionMatches bool
}

func readMeta(b []byte) meta {
	le := binary.NativeEndian
	return meta{
		magicOK: le.Uint32(b[16:]) == 0xED0CDAED, versionMatches: le.Uint32(b[20:]) == 2,
		pageSize: le.Uint32(b[24:]), root: le.Uint64(b[32:]), freelist: le.Uint64(b[48:]), inUse: le.Uint64(b[56:]), txid: le.Uint64(b[64:]),
	}
}

// Apply damages the database at path and returns the pages it overwrote.
func (d Damage) Apply(path string) ([]int, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m0 := make([]byte, 72)
	if _, err := f.ReadAt(m0, 0); err != nil {
		return nil, err
	}
	cur := readMeta(m0)
	if !cur.magicOK || !cur.versionMatches {
		return nil, errors.New("not a bbolt database")
	}
	ps := int(cur.pageSize)
	m1 := make([]byte, 72)
	if _, err := f.ReadAt(m1, int64(ps)); err != nil {
		return nil, err
	}
	if other := readMeta(m1); other.magicOK && other.txid > cur.txid {
		cur = other // the newer of the two meta pages is the one in force
	}
	var candidates []int
	for pg := 2; pg < int(cur.inUse); pg++ {
		if d.SpareRoot && (uint64(pg) == cur.root || uint64(pg) == cur.freelist) {
			continue
		}
		candidates = append(candidates, pg)
	}
	rng := rand.New(rand.NewPCG(d.Seed, 0xda3a6e))
	rng.Shuffle(len(candidates), func(i, j int) { candidates[i], candidates[j] = candidates[j], candidates[i] })
	n := d.Pages
	if n == 0 {
		n = len(candidates)
	}
	if n > len(candidates) {
		return nil, fmt.Errorf("%d pages asked, %d data pages in use", n, len(candidates))
	}
	hit := candidates[:n]
	for _, pg := range hit {
		buf := make([]byte, ps)
		for i := range buf {
			buf[i] = byte(rng.UintN(256))
		}
		off := int64(pg * ps)
		if d.KeepHeaders {
			buf, off = buf[16:], off+16
		}
		if _, err := f.WriteAt(buf, off); err != nil {
			return nil, err
		}
	}
	return hit, nil
}
