package workload

// envToken reads the token of a CI system that puts it in a variable: the
// first of names that is set; the first name is the one a MissingError
// names when none is.
func envToken(s Source, names ...string) (string, error) {
	for _, n := range names {
		if v := s.getenv(n); v != "" {
			return v, nil
		}
	}
	return "", &MissingError{Kind: s.Kind, Variable: names[0]}
}

// firstSet is the first of names that is set, or the first name.
func firstSet(s Source, names ...string) string {
	for _, n := range names {
		if s.getenv(n) != "" {
			return n
		}
	}
	return names[0]
}
