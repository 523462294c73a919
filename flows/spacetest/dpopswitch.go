package spacetest

// DPoPRequired says whether every registration must send DPoP proofs
// (WithDPoPRequired), for a banner that must say so.
func (s *Server) DPoPRequired() bool { return s.ext.cfg.dpopRequired }
