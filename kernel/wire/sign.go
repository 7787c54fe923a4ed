package wire

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"sync"
)

// Signer signs and verifies messages with the connection's HMAC key. An empty
// key disables signing, as the protocol allows. It is safe for concurrent
// use.
type Signer struct {
	newHash func() hash.Hash
	key     []byte
	macs    sync.Pool // of hash.Hash: HMACs with the key, reset after use
}

// NewSigner returns a signer for a signature_scheme such as "hmac-sha256".
func NewSigner(scheme, key string) (*Signer, error) {
	s := &Signer{key: []byte(key)}
	switch scheme {
	case "hmac-sha256", "":
		s.newHash = sha256.New
	case "hmac-sha512":
		s.newHash = sha512.New
	case "hmac-sha1":
		s.newHash = sha1.New
	default:
		return nil, fmt.Errorf("wire: unsupported signature scheme %q", scheme)
	}
	return s, nil
}

// Sign returns the hex signature of the four signed frames.
func (s *Signer) Sign(frames ...[]byte) []byte {
	if len(s.key) == 0 {
		return nil
	}
	mac, _ := s.macs.Get().(hash.Hash)
	if mac == nil {
		mac = hmac.New(s.newHash, s.key)
	}
	for _, f := range frames {
		mac.Write(f)
	}
	var buf [sha512.Size]byte
	sum := mac.Sum(buf[:0])
	mac.Reset()
	s.macs.Put(mac)
	out := make([]byte, hex.EncodedLen(len(sum)))
	hex.Encode(out, sum)
	return out
}

// Verify reports whether sig is the signature of frames, in constant time.
func (s *Signer) Verify(sig []byte, frames ...[]byte) bool {
	if len(s.key) == 0 {
		return true
	}
	return hmac.Equal(sig, s.Sign(frames...))
}
