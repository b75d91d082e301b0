package redact

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The skeleton of a text is what is left of it once it is Unicode-
// normalised (NFKD, so that fullwidth letters and composed accents become
// plain letters and marks), lower-cased, and stripped of everything but
// letters and digits: line wraps, white space, zero-width characters, soft
// hyphens, NULs, separators, quotes and markup all vanish. A text carries a
// credential when its skeleton holds any window of window characters of the
// credential's skeleton (the whole skeleton when it is shorter), so that
// the match does not depend on the form of the echo: a wrapped, spaced,
// interleaved, fullwidth or partial echo is found as the plain one is.
//
// The hex and base64 of every credential (every alphabet: their skeletons
// are the same; every offset of the base64 in a longer encoded text) are
// credentials too, with the same rule.
const (
	// window is how many skeleton characters of a credential make an echo
	// of it: 12 letters and digits of a random secret are not found by
	// chance (36^12 ≈ 5·10^18), and a prefix or fragment that long gives a
	// guesser too much.
	window = 12
	// minSkeleton is the shortest skeleton matched at all: a credential of
	// fewer letters and digits is only matched as it stands (Scrubber.Add),
	// or every "ab" of every text would be withheld.
	minSkeleton = 4
	// minEncoded is the shortest hex or base64 form matched: the base64 of
	// a few bytes at an offset is a handful of characters that ordinary
	// text holds.
	minEncoded = 8
)

// skeleton is a text's skeleton with, for each of its characters, the span
// of the original text it came from.
type skeleton struct {
	runes      []rune
	start, end []int32
}

// skeletonOf is the skeleton of a view.
func skeletonOf(v view) skeleton {
	sk := skeleton{runes: make([]rune, 0, len(v.text)), start: make([]int32, 0, len(v.text)), end: make([]int32, 0, len(v.text))}
	for i := 0; i < len(v.text); {
		r, n := utf8.DecodeRuneInString(v.text[i:])
		s, e := v.start[i], v.end[i+n-1]
		add := func(r rune) {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				sk.runes, sk.start, sk.end = append(sk.runes, unicode.ToLower(r)), append(sk.start, s), append(sk.end, e)
			}
		}
		switch {
		case r < utf8.RuneSelf:
			add(r)
		case r != utf8.RuneError:
			// The rune's NFKD decomposition (none for most): the same
			// function on both sides of the match is what counts.
			if d := norm.NFKD.PropertiesString(v.text[i : i+n]).Decomposition(); d != nil {
				for _, dr := range string(d) {
					add(dr)
				}
			} else {
				add(r)
			}
		}
		i += n
	}
	return sk
}

// skeletonRunes is the skeleton of a credential, without spans.
func skeletonRunes(s string) []rune { return skeletonOf(identity(s)).runes }

// skeletonIndex holds the skeletons of the credentials: a hash of every
// window of the long ones, and the short ones whole. The hash is a
// polynomial one over the window's characters with a random odd base,
// rolled along a text, so that a text costs one step per character
// whatever the number of credentials. Two windows with one hash are taken
// to be equal: a collision withholds a text, it never shows one.
type skeletonIndex struct {
	base, top uint64 // top = base^(window-1)
	windows   map[uint64]struct{}
	short     [][]rune
}

func newSkeletonIndex() *skeletonIndex {
	x := &skeletonIndex{base: rand.Uint64() | 1, windows: map[uint64]struct{}{}} //nolint:gosec // a hash seed, not a secret
	x.top = 1
	for range window - 1 {
		x.top *= x.base
	}
	return x
}

// clone is a copy that add may change while readers keep the original.
func (x *skeletonIndex) clone() *skeletonIndex {
	c := *x
	c.windows = make(map[uint64]struct{}, len(x.windows))
	for k := range x.windows {
		c.windows[k] = struct{}{}
	}
	c.short = append([][]rune(nil), x.short...)
	return &c
}

// hash is the hash of one window.
func (x *skeletonIndex) hash(rs []rune) uint64 {
	var h uint64
	for _, r := range rs {
		h = h*x.base + uint64(r) //nolint:gosec // runes are not negative
	}
	return h
}

// add indexes a credential's skeleton, if it has at least least characters.
func (x *skeletonIndex) add(rs []rune, least int) {
	switch {
	case len(rs) < least:
	case len(rs) < window:
		for _, s := range x.short {
			if string(s) == string(rs) {
				return
			}
		}
		x.short = append(x.short, rs)
	default:
		for i := 0; i+window <= len(rs); i++ {
			x.windows[x.hash(rs[i:i+window])] = struct{}{}
		}
	}
}

// addCredential indexes a credential and its hex and base64 forms. Of a
// JWS (a JWT: an access token, an identity token, an assertion) only the
// signature is: the header and the claims are readable data that other
// tokens share ({"alg":"RS256","typ":"JWT"}, {"iss":"https://…), so that
// indexing them would withhold every other JWT a server mentions, while
// the signature is what makes the token a credential. The whole token is
// still matched as it stands (Scrubber.Add).
func (x *skeletonIndex) addCredential(v string) {
	if sig, ok := jwsSignature(strings.TrimSpace(v)); ok {
		v = sig
	}
	x.add(skeletonRunes(v), minSkeleton)
	x.addEncoded([]byte(v))
}

// jwsSignature is the signature of a JWS in compact serialisation (RFC
// 7515 7.1): three base64url segments whose first decodes to a JSON header
// with "alg".
func jwsSignature(v string) (string, bool) {
	parts := strings.Split(v, ".")
	if len(parts) != 3 || parts[2] == "" {
		return "", false
	}
	header, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return "", false
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(header, &h) != nil || h.Alg == "" {
		return "", false
	}
	return parts[2], true
}

// addEncoded indexes the hex of b and its base64 at every offset: b may
// stand anywhere in a longer text that was encoded, so each of the three
// alignments of its bytes to base64's groups of three gives other
// characters; those that also hold bits of the neighbouring bytes are left
// out.
func (x *skeletonIndex) addEncoded(b []byte) {
	if len(b) == 0 {
		return
	}
	x.add(skeletonRunes(hex.EncodeToString(b)), minEncoded)
	for off := range 3 {
		enc := base64.RawStdEncoding.EncodeToString(append(make([]byte, off), b...))
		// The leading characters that hold bits of the bytes before b, and
		// the last one when b ends inside a group.
		drop := 0
		if off > 0 {
			drop = off + 1
		}
		end := len(enc)
		if (off+len(b))%3 != 0 {
			end--
		}
		if drop < end {
			x.add(skeletonRunes(enc[drop:end]), minEncoded)
		}
	}
}

// find returns the spans of sk's original that hold a credential's window
// or short skeleton; with first, it stops at the first.
func (x *skeletonIndex) find(sk skeleton, first bool) [][2]int {
	var spans [][2]int
	if len(x.windows) > 0 && len(sk.runes) >= window {
		h := x.hash(sk.runes[:window])
		for i := 0; ; i++ {
			if _, ok := x.windows[h]; ok {
				spans = append(spans, [2]int{int(sk.start[i]), int(sk.end[i+window-1])})
				if first {
					return spans
				}
			}
			if i+window >= len(sk.runes) {
				break
			}
			h = (h-uint64(sk.runes[i])*x.top)*x.base + uint64(sk.runes[i+window]) //nolint:gosec // runes are not negative
		}
	}
	if len(x.short) > 0 {
		text := string(sk.runes)
		// byte offset in text -> rune index in sk
		idx := make([]int32, 0, len(text)+1)
		for i, r := range sk.runes {
			for range utf8.RuneLen(r) {
				idx = append(idx, int32(i)) //nolint:gosec // texts are far below 2 GiB
			}
		}
		for _, s := range x.short {
			needle := string(s)
			for from := 0; ; {
				j := strings.Index(text[from:], needle)
				if j < 0 {
					break
				}
				a, b := idx[from+j], idx[from+j+len(needle)-1]
				spans = append(spans, [2]int{int(sk.start[a]), int(sk.end[b])})
				if first {
					return spans
				}
				from += j + 1
			}
		}
	}
	return spans
}
