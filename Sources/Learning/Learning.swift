/// Namespace marker; numerics live in the files of this module.
public enum Learning {}
