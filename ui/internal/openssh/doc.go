// Package openssh writes and reads the one kind of SSH key authplay makes:
// an unencrypted ed25519 key in OpenSSH's private-key file format
// ("openssh-key-v1", the file ssh-keygen writes), its authorized_keys line
// and its SHA256 fingerprint.
//
// It is written by hand, not taken from golang.org/x/crypto/ssh, because
// that package was linked into the binary for this alone, and its package
// init (about 0.17 ms, 2% of the CPU of an `authplay token` run, measured
// with perf and GODEBUG=inittrace=1) and its code (365 KB of the binary,
// with the ciphers it brought in) were paid by every command, the ones
// that race curl among them. authplay needs a
// small part of it: the keys are ed25519, never protected by a passphrase,
// and what authplay reads back is what it wrote (or what
// `ssh-keygen -t ed25519 -N ""` writes, which is the same format). So this
// package reads exactly that and refuses everything else with an error
// that says what the file is instead: passphrase-protected, another key
// type, damaged.
//
// The format is OpenSSH's PROTOCOL.key; the wire encoding of strings and
// integers is RFC 4251 section 5, and the ed25519 public key blob is
// RFC 8709 section 4.
package openssh
