package workload

import "context"

// fileSource: the file File names, read for every token (Kubernetes
// projected tokens and AWS_WEB_IDENTITY_TOKEN_FILE rotate).
type fileSource struct{}

func (fileSource) Info() Info {
	return Info{Kind: File, Name: "the file", Needs: "file",
		Doc: "`file` reads `file` for every token (Kubernetes projected tokens)",
	}
}

func (fileSource) obtain(ctx context.Context, s Source) (string, error) {
	b, err := s.readFile(ctx, s.File)
	if err != nil {
		return "", &ReadError{Kind: s.Kind, File: s.File, Err: err}
	}
	return string(b), nil
}

func (fileSource) readFrom(s Source) (string, string) { return "", s.File }
