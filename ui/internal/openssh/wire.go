package openssh

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrTruncated means a length or a field runs past the end of the data:
// the file was cut short, or a length in it is hostile. Lengths are
// checked against the bytes left before anything is sliced, so no length
// in a file can make the reader allocate or read past its input.
var ErrTruncated = errors.New("the key data is cut short")

// wireReader reads RFC 4251 values (uint32, string) from a byte slice.
// Strings are sub-slices of the input: reading allocates nothing.
type wireReader struct {
	rest []byte
}

// uint32 reads a big-endian 32-bit integer; what names the field for the
// error.
func (r *wireReader) uint32(what string) (uint32, error) {
	if len(r.rest) < 4 {
		return 0, fmt.Errorf("%w: %s runs past the end", ErrTruncated, what)
	}
	v := binary.BigEndian.Uint32(r.rest)
	r.rest = r.rest[4:]
	return v, nil
}

// string reads a uint32 length and that many bytes. The length is
// compared with what is left as a uint64, so a length near 2^32 cannot
// wrap around on any platform.
func (r *wireReader) string(what string) ([]byte, error) {
	n, err := r.uint32(what + "'s length")
	if err != nil {
		return nil, err
	}
	if uint64(n) > uint64(len(r.rest)) {
		return nil, fmt.Errorf("%w: %s says %d bytes, %d are left", ErrTruncated, what, n, len(r.rest))
	}
	s := r.rest[:n:n]
	r.rest = r.rest[n:]
	return s, nil
}

// appendString appends s as an RFC 4251 string: its length, then its bytes.
func appendString(b, s []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}
