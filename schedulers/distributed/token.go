package distributed

import (
	"errors"
	"fmt"
)

// MinTokenBytes is the shortest token a scheduler accepts: shorter ones can be guessed.
const MinTokenBytes = 16

// ErrShortToken is matched by the error of a scheduler given a token shorter than MinTokenBytes.
var ErrShortToken = errors.New("token too short")

// checkToken refuses tokens that can be guessed.
func checkToken(token string) error {
	if len(token) < MinTokenBytes {
		return fmt.Errorf("%w: %d bytes, a scheduler needs at least %d (leave it empty for a random one, or use the output of `openssl rand -hex 16`)",
			ErrShortToken, len(token), MinTokenBytes)
	}
	return nil
}
