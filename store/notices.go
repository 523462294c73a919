package store

import (
	"fmt"
	"os"
)

// What a person should know about the database, gathered from whichever
// goroutine met it, handed out once.

func (s *Store) notice(text string) {
	s.noticeMu.Lock()
	defer s.noticeMu.Unlock()
	s.notices = append(s.notices, text)
}

// Notices returns what happened to the session database since the last
// call (a damaged database moved aside, at Open or at any operation since,
// by this authplay or by another one sharing the state directory), each
// notice once. It is safe to call from any goroutine.
func (s *Store) Notices() []string {
	s.noticeMu.Lock()
	defer s.noticeMu.Unlock()
	out := s.notices
	s.notices = nil
	return out
}

func (s *Store) pendingNotices() []string {
	s.noticeMu.Lock()
	defer s.noticeMu.Unlock()
	return append([]string(nil), s.notices...)
}

// sawFile remembers the database file this store used last.
func (s *Store) sawFile(fi os.FileInfo) {
	s.noticeMu.Lock()
	defer s.noticeMu.Unlock()
	s.known = fi
}

// movedAway remembers a file this store moved aside itself, which its own
// notice already names.
func (s *Store) movedAway(fi os.FileInfo) {
	s.noticeMu.Lock()
	defer s.noticeMu.Unlock()
	s.moved = append(s.moved, fi)
	s.known = nil
}

// noticeReplaced runs at each opening: when the file at the path is not
// the one this store used last, and that one now lies beside it as
// damaged, another authplay moved it, and this one's person is told too.
func (s *Store) noticeReplaced(now os.FileInfo) {
	s.noticeMu.Lock()
	before := s.known
	s.known = now
	ours := false
	for _, m := range s.moved {
		ours = ours || (before != nil && os.SameFile(m, before))
	}
	s.noticeMu.Unlock()
	if before == nil || ours || os.SameFile(before, now) {
		return
	}
	if aside := s.asideOf(before); aside != "" {
		s.notice(fmt.Sprintf("Another authplay found the session database damaged and moved it to %s; this one goes on with the new one.", aside))
	}
}
